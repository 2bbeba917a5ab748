"""The hookd side: the same conversion on the HTTP create path (container PreCreate) and the CRI
path (cri PreCreateContainer, which fires first; PreCreate then finds no env var and changes
nothing). The handlers are plain `def`: the work is CPU-only and tiny, and the SDK runs sync
handlers in a worker thread, so there is nothing to await."""

from __future__ import annotations

from typing import Any

import hookd_plugin

from .quota import QuotaError, QuotaPolicy, convert_env_quota, parse_policy


class DiskQuota(hookd_plugin.Plugin):
    name, version = "disk-quota", "1.0.0"

    policy = QuotaPolicy()

    def configure(self, config: Any) -> None:
        try:
            self.policy = parse_policy(config)
        except QuotaError as error:
            raise hookd_plugin.Reject(str(error)) from error
        self.config = config

    def container_pre_create(self, ctx: hookd_plugin.Context, config: hookd_plugin.JsonObject,
                             name: str) -> hookd_plugin.JsonObject:
        return self._convert(config, "container")

    def cri_pre_create_container(self, ctx: hookd_plugin.Context, config: hookd_plugin.JsonObject,
                                 sandbox: hookd_plugin.JsonObject) -> hookd_plugin.JsonObject:
        return self._convert(config, f"CRI container in sandbox {sandbox.get('ID', '?')}")

    def _convert(self, config: hookd_plugin.JsonObject, source: str) -> hookd_plugin.JsonObject:
        try:
            convert_env_quota(self.policy, config, source)
        except QuotaError as error:
            raise hookd_plugin.Reject(str(error)) from error
        return config
