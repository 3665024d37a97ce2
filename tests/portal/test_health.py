"""The health endpoints (issue 17, item 5): liveness, and readiness that fails (503) when the database,
Redis, a migration, the worker's or beat's heartbeat is missing; only the status for anonymous callers."""

import time
from pathlib import Path

import pytest
import yaml
from celery.signals import before_task_publish
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from hlt import health
from hlt.celery import app
from hlt.heartbeat import heartbeat_record
from hlt.tasks import heartbeat_task
from tests.own_redis import free_port

pytestmark = pytest.mark.django_db

READY = "/health/ready/"


@pytest.fixture
def beating():
    heartbeat_record("worker")
    heartbeat_record("beat")


def _ready(client, **headers):
    response = client.get(READY, headers=headers)
    return response.status_code, response.json()


def test_it_answers_liveness_without_a_login(client):
    response = client.get(reverse("health_live"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_it_is_ready_when_everything_is_up_and_says_only_that(client, beating):
    assert _ready(client) == (200, {"status": "ok"})


def test_it_shows_each_check_only_with_the_token_or_to_staff(client, beating, settings, admin_user):
    settings.HLT_HEALTH_TOKEN = "a-long-random-health-token"
    checks = {"database": "ok", "redis": "ok", "migrations": "ok", "worker": "ok", "beat": "ok"}

    assert _ready(client, X_Health_Token="wrong") == (200, {"status": "ok"})
    assert _ready(client, X_Health_Token="a-long-random-health-token") == (200, {"status": "ok", "checks": checks})
    client.force_login(admin_user)
    assert _ready(client) == (200, {"status": "ok", "checks": checks})


def test_it_is_not_ready_when_no_worker_has_run_the_heartbeat_lately(client, beating, settings):
    settings.HLT_HEALTH_TOKEN = "token-for-details"
    heartbeat_record("worker", now=time.time() - settings.HLT_HEARTBEAT_MAX_AGE_SECONDS - 5)

    status, body = _ready(client, X_Health_Token="token-for-details")

    assert (status, body["status"]) == (503, "fail")
    assert body["checks"]["worker"] == "fail" and body["checks"]["beat"] == "ok"


def test_it_is_not_ready_when_beat_has_never_sent_the_heartbeat(client, settings):
    heartbeat_record("worker")
    assert _ready(client) == (503, {"status": "fail"})


def test_it_is_not_ready_with_an_unapplied_migration(client, beating, monkeypatch):
    applied = MigrationRecorder(connection).applied_migrations()
    latest = max(key for key in applied if key[0] == "accounts")
    monkeypatch.setattr(
        MigrationRecorder, "applied_migrations", lambda self: {k: v for k, v in applied.items() if k != latest}
    )

    assert _ready(client) == (503, {"status": "fail"})


def test_it_fails_the_database_check_on_a_server_that_does_not_answer(client, beating, monkeypatch):
    settings_dict = {**connection.settings_dict, "PORT": str(free_port()), "CONN_MAX_AGE": 0}
    unreachable = connections["default"].__class__(settings_dict, alias="unreachable")
    try:
        assert health.run_checks(["database"]) == {"database": True}
        monkeypatch.setitem(health.CHECKS, "database", lambda: health.database_ok(unreachable))
        assert health.run_checks(["database"]) == {"database": False}
        assert _ready(client) == (503, {"status": "fail"})
    finally:
        unreachable.close()


def test_it_is_not_ready_while_redis_is_down_and_ready_again_after(client, redis_settings, settings):
    settings.CELERY_BROKER_URL = redis_settings.url
    heartbeat_record("worker")
    heartbeat_record("beat")
    assert _ready(client) == (200, {"status": "ok"})

    redis_settings.stop()
    assert _ready(client) == (503, {"status": "fail"})

    redis_settings.start()  # a fresh Redis: the heartbeats are gone until the next minute
    heartbeat_record("worker")
    heartbeat_record("beat")
    assert _ready(client) == (200, {"status": "ok"})


def test_it_records_beat_when_the_heartbeat_is_sent_and_the_worker_when_it_runs(settings):
    settings.HLT_HEALTH_TOKEN = ""
    assert health.run_checks(["worker", "beat"]) == {"worker": False, "beat": False}

    heartbeat_task.apply()
    assert health.run_checks(["worker", "beat"]) == {"worker": True, "beat": False}

    before_task_publish.send(sender="hlt.tasks.heartbeat_task", body=None, exchange="", routing_key="celery")
    assert health.run_checks(["worker", "beat"]) == {"worker": True, "beat": True}


def test_it_schedules_the_heartbeat_every_minute():
    entry = app.conf.beat_schedule["health-heartbeat"]
    assert entry["task"] == "hlt.tasks.heartbeat_task"
    assert entry["schedule"].remaining_estimate(entry["schedule"].now()).total_seconds() <= 60


def test_the_management_command_fails_when_a_check_fails(beating, capsys):
    call_command("healthcheck", "beat", "worker")
    heartbeat_record("beat", now=0)
    with pytest.raises(CommandError):
        call_command("healthcheck", "beat")
    assert "beat: fail" in capsys.readouterr().out


def test_compose_checks_web_and_beat_through_readiness():
    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())["services"]
    assert "/health/ready/" in str(compose["web"]["healthcheck"]["test"])
    assert compose["beat"]["healthcheck"]["test"] == ["CMD", "python", "manage.py", "healthcheck", "beat"]
