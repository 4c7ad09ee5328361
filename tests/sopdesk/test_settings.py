"""Production settings: refuse to start insecurely, and pass Django's deployment checks."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from sopdesk.middleware import CONTENT_SECURITY_POLICY

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-0123456789abcdef",
    "ALLOWED_HOSTS": "hall.example.cn",
    "HTTPS": "true",
}


def manage(*args, **env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**inherited, "SOPDESK_VAR_DIR": str(settings.VAR_DIR), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_secret_key_one_is_generated_once_and_kept_private(tmp_path):
    def key() -> str:
        code = "from django.conf import settings; print(settings.SECRET_KEY)"
        result = manage("shell", "-c", code, SECRET_KEY="", SOPDESK_VAR_DIR=str(tmp_path))
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    first = key()
    assert len(first) >= 50
    assert key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print(settings.DEBUG)"
    assert manage("shell", "-c", code, DEBUG="").stdout.split()[-1] == "False"
    assert manage("shell", "-c", code, DEBUG="true").stdout.split()[-1] == "True"


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client):
    response = client.get("/")
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
