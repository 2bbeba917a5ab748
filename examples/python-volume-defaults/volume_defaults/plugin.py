"""The hookd side: Configure parses the policy, PreVolumeCreate enforces and applies it."""

from __future__ import annotations

from typing import Any

import hookd_plugin

from .policy import PolicyError, VolumePolicy, apply_defaults, disallowed_driver_message, parse_policy


class VolumeDefaults(hookd_plugin.Plugin):
    name, version = "volume-defaults", "1.0.0"

    policy = VolumePolicy()

    def configure(self, config: Any) -> None:
        try:
            self.policy = parse_policy(config)
        except PolicyError as error:
            raise hookd_plugin.Reject(str(error)) from error
        self.config = config

    async def volume_pre_create(self, ctx: hookd_plugin.Context, config: hookd_plugin.JsonObject) -> None:
        refusal = disallowed_driver_message(self.policy, config)
        if refusal:
            raise hookd_plugin.Reject(refusal)
        apply_defaults(self.policy, config)
        ctx.log.debug("volume defaults applied", extra={"volume": config.get("Name", "")})
