"""Login throttling: after too many failed logins, a username or an address must wait.

Failures are kept in the database, so every gunicorn worker and app server sees them.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from procedures.models import LoginFailure

WINDOW = datetime.timedelta(minutes=15)
MAX_PER_USERNAME = 5
MAX_PER_ADDRESS = 20
LOCKED_MESSAGE = "登录失败次数过多，请 15 分钟后再试；忘记密码请联系管理员。"


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def is_locked(username: str, address: str | None) -> bool:
    recent = LoginFailure.objects.filter(at__gt=timezone.now() - WINDOW)
    if recent.filter(username=username).count() >= MAX_PER_USERNAME:
        return True
    return bool(address) and recent.filter(ip=address).count() >= MAX_PER_ADDRESS


class ThrottledModelBackend(ModelBackend):
    """Django's own backend, refusing even the right password while a lock lasts."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username or kwargs.get(get_user_model().USERNAME_FIELD) or ""
        address = client_address(request)
        if is_locked(username, address):
            if request is not None:
                request.login_throttled = True
            raise PermissionDenied(LOCKED_MESSAGE)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            LoginFailure.objects.create(username=username[:150], ip=address)
        else:
            LoginFailure.objects.filter(username=username).delete()
        return user
