"""What a deployment depends on: settings, compose file, image, migrations, lint, beat schedule."""

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from hlt.celery import app

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
APP_SERVICES = ["migrate", "web", "worker", "beat"]


def _clean_env(**env) -> dict:
    """Only what a fresh process needs, plus `env`: nothing leaks in from the test run."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(ROOT)),
        "DJANGO_SETTINGS_MODULE": "hlt.settings",
        **env,
    }


def _django(code: str, **env) -> subprocess.CompletedProcess:
    """Run Python with the project's settings in a clean environment holding only `env`."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_clean_env(**env), capture_output=True, text=True, timeout=60
    )


def _production_env() -> dict:
    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "hlt.example.se",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_HOST": "smtp.example.se",
    }


def _command(service: dict) -> list[str]:
    command = service.get("command") or []
    return shlex.split(command) if isinstance(command, str) else list(command)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


# --- docker-compose.yml and the image ---------------------------------------------------------------


def test_it_composes_postgres_redis_web_worker_and_beat(compose):
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(compose)


def test_it_runs_exactly_one_beat(compose):
    beats = [
        name for name, service in compose.items() if _command(service)[:1] == ["celery"] and "beat" in _command(service)
    ]
    assert beats == ["beat"]


def test_it_does_not_embed_beat_in_the_worker(compose):
    command = _command(compose["worker"])
    assert "worker" in command
    assert "--beat" not in command
    assert "-B" not in command


def test_it_checks_the_health_of_every_service_that_is_not_one_shot(compose):
    one_shot = {
        name
        for service in compose.values()
        for name, dependency in (service.get("depends_on") or {}).items()
        if dependency["condition"] == "service_completed_successfully"
    }
    assert one_shot == {"migrate"}
    assert compose["migrate"]["restart"] == "no"
    for name, service in compose.items():
        if name not in one_shot:
            assert "healthcheck" in service, name


def test_it_starts_the_application_only_on_healthy_databases(compose):
    for name in ["web", "worker", "beat"]:
        depends = compose[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["migrate"]["condition"] == "service_completed_successfully", name


def test_it_builds_every_application_service_from_one_image_and_env_file(compose):
    shapes = {(str(compose[name]["build"]), compose[name]["image"], compose[name]["env_file"]) for name in APP_SERVICES}
    assert shapes == {(".", "hlt-samverkan", ".env")}


def test_it_never_lets_redis_evict_a_queued_task(compose):
    command = _command(compose["redis"])
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_it_runs_the_image_as_a_non_root_user():
    users = re.findall(r"^USER\s+(\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert users
    assert users[-1] not in {"root", "0"}


# --- .env.example -----------------------------------------------------------------------------------


def test_it_names_in_the_example_env_file_exactly_the_variables_the_settings_read():
    source = (ROOT / "hlt" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\("([A-Z0-9_]+)"', source))
    read |= {f"{name}_FILE" for name in re.findall(r'env_secret\("([A-Z0-9_]+)"', source)}
    # Set, or shown commented out (a *_FILE path must exist, so it is only shown).
    documented = re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    assert sorted(documented) == sorted(read)


# --- Settings in production and in the demo ---------------------------------------------------------


def test_it_passes_the_django_deployment_check_with_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_clean_env(**_production_env()),
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
    assert "DEBUG must be one of true/false" in result.stderr


def test_it_refuses_debug_in_production():
    result = _django("import django; django.setup()", **_production_env(), DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


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
    ], result.stderr


def _make_run(**variables) -> list[str]:
    """The commands `make run` would run (`make -n`), in a clean environment holding only `variables`."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],
        cwd=ROOT,
        env=_clean_env(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def _started_with(lines: list[str], program: str) -> dict:
    """The environment `make run` gives the process it starts as `.venv/bin/<program>`."""
    line = next(line for line in lines if f".venv/bin/{program} " in line)
    words = shlex.split(line.split(f".venv/bin/{program} ")[0])
    return dict(word.split("=", 1) for word in words if "=" in word)


def test_it_gives_the_demos_processes_the_address_make_run_serves(tmp_path):
    # Given `make run` on another address than the default, with no HLT_BASE_URL
    lines = _make_run(HOST="10.1.2.3", PORT="8123")

    # Then the web server binds there, and it and the worker (which sends the e-mails) are told so
    assert any("gunicorn hlt.wsgi --bind 10.1.2.3:8123" in line for line in lines)
    for program in ("gunicorn", "celery"):
        assert _started_with(lines, program) == {"HLT_BASE_URL": "http://10.1.2.3:8123"}

    # And the demo's settings, given that environment, build links there and answer on that host
    result = _django(
        "from django.conf import settings as s; print(s.HLT_BASE_URL, '10.1.2.3' in s.ALLOWED_HOSTS)",
        HLT_VAR_DIR=str(tmp_path),
        **_started_with(lines, "gunicorn"),
    )
    assert result.stdout.split() == ["http://10.1.2.3:8123", "True"], result.stderr


def test_it_keeps_the_base_url_make_run_is_given():
    # Given a base URL of its own (the demo behind a proxy, say)
    lines = _make_run(HOST="0.0.0.0", PORT="8123", HLT_BASE_URL="https://hlt.example.se")  # noqa: S104

    # Then that is what the web server and the worker build links with
    for program in ("gunicorn", "celery"):
        assert _started_with(lines, program) == {"HLT_BASE_URL": "https://hlt.example.se"}


def test_it_keeps_database_connections_open_between_requests():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


# --- Code: migrations, lint, beat schedule ----------------------------------------------------------


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
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_passes_the_system_checks_at_warning_level():
    result = _manage("check", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_it_is_ruff_clean(command):
    result = subprocess.run([BIN / "ruff", *command], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_schedules_only_tasks_that_exist():
    app.loader.import_default_modules()
    assert app.conf.beat_schedule
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
