"""Structured logs (issue 17, item 6): one JSON line per request and per task, with ids, status and
duration and no personal data; error reports scrubbed before they leave the portal."""

import io
import json
import logging

import pytest
from django.urls import reverse

from hlt.error_reporting import scrub
from hlt.logs import JsonFormatter
from hlt.tasks import heartbeat_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the portal's own console handler writes (hlt/settings.py LOGGING), as parsed lines."""
    handler = next(handler for handler in logging.getLogger().handlers if handler.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        handler.setStream(previous)


def _requests(lines):
    return [line for line in lines if line["logger"] == "hlt.request"]


def test_it_writes_json_lines_in_production(settings):
    assert settings.HLT_LOG_FORMAT == "json"
    handler = next(handler for handler in logging.getLogger().handlers if handler.name == "console")
    assert isinstance(handler.formatter, JsonFormatter)


def test_it_logs_one_line_per_request_with_ids_status_and_duration(client, member, case, log_lines):
    client.force_login(member)

    response = client.get(
        reverse("cases:detail", args=[case.pk]) + "?sok=Hemligt", headers={"X-Request-ID": "abc-12345"}
    )

    (line,) = _requests(log_lines())
    assert response["X-Request-ID"] == "abc-12345"
    assert line["request_id"] == "abc-12345"
    assert line["method"] == "GET"
    assert line["route"] == "cases:detail"
    assert line["path"] == f"/arenden/{case.pk}/"
    assert line["status"] == 200
    assert line["user_id"] == member.pk
    assert isinstance(line["duration_ms"], float)


def test_it_gives_a_request_without_a_sane_id_one_of_its_own(client, log_lines):
    response = client.get("/health/live/", headers={"X-Request-ID": "<script>"})

    (line,) = _requests(log_lines())
    assert line["request_id"] == response["X-Request-ID"] != "<script>"
    assert len(line["request_id"]) == 32
    assert line["user_id"] is None and line["route"] == "health_live"


def test_it_logs_one_line_per_task_with_its_id_state_and_duration(log_lines):
    result = heartbeat_task.apply()

    (line,) = [line for line in log_lines() if line["logger"] == "hlt.task"]
    assert line["task_id"] == result.id
    assert line["task"] == "hlt.tasks.heartbeat_task"
    assert line["status"] == "SUCCESS"
    assert line["duration_ms"] >= 0


def test_it_keeps_personal_data_out_of_every_log_line(client, member, case, settings, log_lines):
    """A member walks the case and searches the child by number and name; a view fails with an identity
    number in its exception. No log line holds the child's or a guardian's name or the identity number."""
    child = case.child
    guardians = [name for adult in case.adults.all() for name in (adult.first_name, adult.last_name)]
    secrets = [child.identity_number, child.identity_number[2:], child.first_name, child.last_name, *guardians]
    settings.ROOT_URLCONF = "tests.portal.urls_failing"
    client.raise_request_exception = False
    client.force_login(member)

    client.get(reverse("cases:detail", args=[case.pk]))
    client.get(reverse("cases:list") + f"?q={child.last_name}")
    client.post(reverse("cases:new"), {"kind": "personnummer", "number": child.identity_number})
    client.post(reverse("cases:list"), {"q": child.identity_number})
    client.get(f"/finns-inte/?namn={child.first_name}")  # Django logs the 404 with the request object
    assert client.get("/fails/").status_code == 500

    lines = log_lines()
    written = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert len(_requests(lines)) == 6
    assert any(line.get("exc_type") == "builtins.RuntimeError" for line in lines)
    for secret in [*secrets, "19811218"]:
        assert secret not in written


def test_it_scrubs_error_reports_of_personal_data():
    event = {
        "request": {
            "url": "https://hlt.example.se/arenden/?q=Maja",
            "query_string": "q=Maja",
            "data": {"number": "201201011234"},
            "cookies": {"sessionid": "secret"},
            "headers": {"Cookie": "sessionid=secret", "User-Agent": "Firefox", "Referer": "https://x/?q=Maja"},
            "env": {"REMOTE_ADDR": "10.0.0.1"},
        },
        "user": {"id": 7, "email": "maja@example.se", "ip_address": "10.0.0.1"},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "no child 201201011234 Maja",
                    "stacktrace": {"frames": [{"function": "view", "vars": {"number": "201201011234"}}]},
                }
            ]
        },
        "extra": {"name": "Maja"},
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT … 'Maja'", "data": {"q": "Maja"}}]},
        "logentry": {"message": "%s", "params": ["Maja"]},
    }

    scrubbed = json.dumps(scrub(event, None))

    assert "Maja" not in scrubbed and "201201011234" not in scrubbed and "secret" not in scrubbed
    assert "10.0.0.1" not in scrubbed
    assert '"id": 7' in scrubbed and "Firefox" in scrubbed and "ValueError" in scrubbed


def test_it_sends_no_error_reports_unless_a_server_is_configured(settings):
    import sentry_sdk

    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()
