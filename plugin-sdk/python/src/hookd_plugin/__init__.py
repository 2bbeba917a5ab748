"""hookd plugin SDK for Python: subclass `Plugin`, override the hooks you implement, call `serve`.

    import hookd_plugin

    class Quota(hookd_plugin.Plugin):
        name, version = "quota", "1.0.0"

        async def container_pre_create(self, ctx, config, name):
            hookd_plugin.set_label(config, "quota.checked", "true")
            return config

    if __name__ == "__main__":
        hookd_plugin.serve(Quota())
"""

from ._gen.hookd.v1.plugin_pb2 import (
    ApiUpdateHandlerResponse,
    HandleHttpResponse,
    HttpHeader,
    HttpRequest,
    HttpResponse,
    OciHook,
    Route,
    RouteWrap,
)
from .documents import (
    get_annotation,
    get_env,
    get_label,
    set_annotation,
    set_env,
    set_label,
    unset_annotation,
    unset_env,
    unset_label,
)
from .errors import HookError, Reject
from .plugin import Context, HookOptions, JsonObject, Plugin, hook_options
from .serve import serve

__all__ = [
    "ApiUpdateHandlerResponse", "Context", "HandleHttpResponse", "HookError", "HookOptions", "HttpHeader",
    "HttpRequest", "HttpResponse", "JsonObject", "OciHook", "Plugin", "Reject", "Route", "RouteWrap",
    "get_annotation", "get_env", "get_label", "hook_options", "serve", "set_annotation", "set_env",
    "set_label", "unset_annotation", "unset_env", "unset_label",
]
