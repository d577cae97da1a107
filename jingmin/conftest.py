import os

import pytest
from django.core.management import call_command

from jingmin.test import ensure_outsiders, world

CHROMIUM = os.environ.get("JINGMIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def allow_audit_maintenance():
    """Let the test database flush the audit table between transactional tests (see audit migration 0002)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_maintenance")
        if cursor.fetchone()[0] == 0:
            cursor.execute("INSERT INTO audit_maintenance (reason) VALUES ('test suite')")


def load_world():
    allow_audit_maintenance()
    call_command("demo", demo=True, stdout=open(os.devnull, "w"))
    ensure_outsiders()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_world()


@pytest.fixture
def w(db):
    return world()


@pytest.fixture
def live_world(transactional_db, live_server):
    """For browser tests: transactional tests flush the database, so load the world again."""
    load_world()
    return world()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by the
    # tests themselves are still synchronous, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-TW", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def login_page(page, live_server, username, password="jingmin-demo"):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/")
