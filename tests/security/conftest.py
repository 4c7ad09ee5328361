import pytest

from tests.browser.conftest import browser, page  # noqa: F401 - the real-browser fixtures


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Four people log in per test here: hashing their passwords slowly would cost minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
