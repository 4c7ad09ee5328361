"""Startup checks: a deployment that asks the front server to send handouts says how."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from handouts.serving import SENDFILE_MODES


@register()
def check_handout_sendfile(**kwargs: Any) -> list[CheckMessage]:
    mode = settings.HANDOUT_SENDFILE
    if mode not in SENDFILE_MODES:
        return [
            Error(
                f"HANDOUT_SENDFILE={mode!r} 无法识别：应为空（由 Django 发送）、"
                "x-accel-redirect（nginx）或 x-sendfile（Apache、lighttpd）。",
                id="handouts.E001",
            )
        ]
    if mode == "x-accel-redirect" and not settings.HANDOUT_SENDFILE_PREFIX.startswith("/"):
        return [
            Error(
                "HANDOUT_SENDFILE=x-accel-redirect 需要 HANDOUT_SENDFILE_PREFIX："
                "nginx 中 internal 位置的路径，如 /protected/handouts/。",
                id="handouts.E002",
            )
        ]
    return []
