from __future__ import annotations

import json
from pathlib import Path

import pytest

EXAMPLE_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture
def manifest() -> dict:
    return json.loads((EXAMPLE_DIR / "manifest.json").read_text())


@pytest.fixture
def example_dir() -> Path:
    """The manifest's directory: the launched plugin's working directory."""
    return EXAMPLE_DIR
