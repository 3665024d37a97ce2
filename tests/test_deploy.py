"""What a deployment depends on: settings, compose file, migrations, lint, beat schedule."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from hlt.celery import app

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _django(code: str, **env) -> subprocess.CompletedProcess:
    """Run Python with the project's settings in a clean environment holding only `env`."""
    clean = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "hlt.settings",
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


def _production_env() -> dict:
    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "hlt.example.se",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_HOST": "smtp.example.se",
    }


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def test_it_composes_postgres_redis_web_worker_and_beat(compose):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose)


def test_it_runs_exactly_one_beat(compose):
    beats = [name for name, service in compose.items() if "beat" in service.get("command", [])]
    assert beats == ["beat"]
    assert "--beat" not in compose["worker"]["command"]


def test_it_checks_the_health_of_every_long_running_service(compose):
    for name, service in compose.items():
        if service.get("restart") != "no":
            assert "healthcheck" in service, name


def test_it_starts_the_application_only_on_healthy_databases(compose):
    for name in ["web", "worker", "beat"]:
        depends = compose[name]["depends_on"]
        assert depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"


def test_it_documents_every_setting_in_the_example_env_file():
    read = set(re.findall(r'env_\w+\("([A-Z_]+)"', (ROOT / "hlt" / "settings.py").read_text()))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert documented == read


def test_it_passes_the_django_deployment_check_with_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", str(ROOT)),
            "DJANGO_SETTINGS_MODULE": "hlt.settings",
            **_production_env(),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST"])
def test_it_refuses_to_start_production_without_a_required_setting(missing):
    env = _production_env()
    del env[missing]
    result = _django("import django; django.setup()", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_it_refuses_a_boolean_it_cannot_parse():
    result = _django("import django; django.setup()", **_production_env(), DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_it_refuses_to_leave_demo_mode_without_a_secret_key():
    result = _django("import django; django.setup()", HLT_DEMO="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_reads_a_secret_from_a_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file-" + "x" * 50 + "\n")
    env = _production_env()
    del env["SECRET_KEY"]
    result = _django(
        "from django.conf import settings; print(settings.SECRET_KEY)", **env, SECRET_KEY_FILE=str(secret_file)
    )
    assert result.stdout.strip() == "from-a-file-" + "x" * 50


def test_it_runs_the_demo_on_embedded_defaults(tmp_path):
    result = _django(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.HLT_DEMO, s.CACHES['default']['BACKEND'])",
        HLT_VAR_DIR=str(tmp_path),
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "True",
        "django.core.cache.backends.filebased.FileBasedCache",
    ]


def test_it_keeps_database_connections_open_between_requests():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def _manage(*args) -> subprocess.CompletedProcess:
    """Run manage.py with the test settings (PostgreSQL and Redis from `make test`)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "hlt.settings_test"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_has_a_migration_for_every_model_change():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout


def test_it_passes_the_system_checks_at_warning_level():
    result = _manage("check", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_it_is_ruff_clean(command):
    result = subprocess.run([BIN / "ruff", *command], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


def test_it_schedules_only_tasks_that_exist():
    app.loader.import_default_modules()
    assert app.conf.beat_schedule
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
