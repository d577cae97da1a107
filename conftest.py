"""Repository-level pytest configuration (runs after pytest-django has loaded the settings)."""


def pytest_configure(config):
    from django.conf import settings

    # argon2 is deliberately slow; tests hash many passwords
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    # serve static files from the source tree, no collectstatic manifest needed
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # the same behaviour on SQLite and PostgreSQL runs; tests of two-factor sign-in switch it on
    settings.OTP_REQUIRED = False
    # layer freshness is tested strictly: every request re-checks its token and the versions
    settings.JINGMIN_LAYER_RECHECK_SECONDS = 0.0


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _own_audit_checkpoints(tmp_path_factory):
    """Each test's database is rolled back, so each gets its own checkpoint folder (never var/)."""
    from django.conf import settings

    before = settings.AUDIT_CHECKPOINT_DIR
    settings.AUDIT_CHECKPOINT_DIR = tmp_path_factory.mktemp("audit-checkpoints")
    yield
    settings.AUDIT_CHECKPOINT_DIR = before


@pytest.fixture(autouse=True)
def _fresh_map_read_throttle():
    """The persons map's once-a-minute audit throttle is per process; each test starts without it."""
    from jingmin.people import actions

    actions.forget_map_reads()
    yield
