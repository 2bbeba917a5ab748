from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SDK_SRC = Path(__file__).resolve().parents[1] / "src"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def plugin_env() -> dict[str, str]:
    """The environment a fixture plugin process needs to import the SDK from this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOOKD_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SDK_SRC), env.get("PYTHONPATH")]))
    return env


@pytest.fixture
def fixture_argv() -> Callable[..., list[str]]:
    def argv(name: str, *extra: str) -> list[str]:
        return [sys.executable, str(FIXTURES / f"{name}.py"), *extra]

    return argv
