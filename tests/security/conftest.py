import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Four people log in per test here: hashing their passwords slowly would cost minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
