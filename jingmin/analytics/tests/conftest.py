"""Fixtures of the analytics tests that reach the messaging service (community warnings)."""

import pytest

from jingmin.messaging import delivery
from jingmin.messaging.models import Channel
from jingmin.messaging.tests.conftest import TOKEN
from jingmin.messaging.tests.line_server import FakeLineServer


@pytest.fixture
def line_server(settings):
    settings.MESSAGING = {**settings.MESSAGING, "BACKOFF_BASE": 0.05, "LINE_TIMEOUT": 0.5, "SEND_THREADS": 2}
    delivery.reset_transports()
    with FakeLineServer(TOKEN) as server:
        yield server
    delivery.reset_transports()


@pytest.fixture
def no_demo_channels(w):
    """The demo's own (console) channels are switched off, as in the messaging tests."""
    Channel.objects.filter(slug__startswith="demo").update(is_active=False)
