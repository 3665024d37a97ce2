"""Redis stopped while the portal is in use (issue 17, item 3): a Swedish "try again in a moment"
page (503), never a technical error or a traceback, and the portal works again once Redis is back.

Redis here is the test's own (tests/own_redis.py); the suite's shared one is never stopped."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import MeetingStatus
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def _assert_try_again(response):
    page = response.content.decode()
    assert response.status_code == 503
    assert "Försök igen om en stund" in page
    assert "Traceback" not in page
    assert "Redis" not in page and "ConnectionError" not in page


def test_it_asks_to_try_again_while_redis_is_down_and_works_again_after(client, member, redis_settings):
    client.raise_request_exception = False
    client.force_login(member)
    assert client.get(reverse("home")).status_code == 200

    redis_settings.stop()
    for path in [reverse("home"), reverse("cases:list"), "/finns-inte/"]:
        _assert_try_again(client.get(path))

    redis_settings.start()
    assert client.get(reverse("home")).status_code == 200


def test_it_refuses_to_close_the_minutes_while_redis_is_down_and_keeps_them_open(
    client, coordinator, team, redis_settings
):
    meeting = MeetingFactory(team=team, day=timezone.localdate() - timedelta(days=1))
    client.raise_request_exception = False
    client.force_login(coordinator)

    redis_settings.stop()
    response = client.post(reverse("meetings:close", args=[meeting.pk]))

    _assert_try_again(response)
    assert "sparades inte" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status != MeetingStatus.CLOSED


def test_it_shows_the_technical_error_page_even_when_every_context_processor_fails(client, member, settings):
    """The 500 page runs no context processor (they load the session and the user): it cannot fail again."""
    settings.ROOT_URLCONF = "tests.portal.urls_failing"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "OPTIONS": {"context_processors": ["tests.portal.urls_failing.failing_context"]}}
    ]
    client.raise_request_exception = False
    client.force_login(member)

    response = client.get("/fails/")

    assert response.status_code == 500
    assert "Tekniskt fel" in response.content.decode()
