"""What a deployment depends on: settings, compose file, image, migrations, lint, beat schedule."""

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
import yaml
from django.conf import settings

from hlt.celery import app

ROOT = Path(__file__).resolve().parents[2]
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


def _example_env() -> dict:
    """The variables .env.example sets (commented-out ones are only shown)."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


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


# --- Database roles: the owner migrates, web and worker run as a role that owns nothing -------------


def test_it_gives_the_owners_database_url_to_the_migrate_service_alone(compose):
    assert "MIGRATION_DATABASE_URL" in compose["migrate"]["environment"]
    for name in ["web", "worker", "beat"]:
        assert "MIGRATION_DATABASE_URL" not in (compose[name].get("environment") or {}), name
    # Every application service reads .env.
    assert "MIGRATION_DATABASE_URL" not in _example_env()


def test_it_grants_the_runtime_role_its_privileges_after_every_migrate(compose):
    command = _command(compose["migrate"])
    assert command[:2] == ["sh", "-c"]
    assert re.fullmatch(r"python manage\.py migrate --no-input && python manage\.py grant_runtime_role", command[2])


def test_it_runs_web_worker_and_beat_as_a_role_that_is_not_the_owner(compose):
    runtime = dj_database_url.parse(_example_env()["DATABASE_URL"])
    owner = dj_database_url.parse(compose["migrate"]["environment"]["MIGRATION_DATABASE_URL"])
    postgres = compose["postgres"]["environment"]
    assert runtime["USER"] != owner["USER"]
    assert (owner["USER"], owner["PASSWORD"]) == (postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"])
    assert (runtime["USER"], runtime["PASSWORD"]) == (postgres["HLT_RUNTIME_USER"], postgres["HLT_RUNTIME_PASSWORD"])
    assert (runtime["HOST"], runtime["NAME"]) == (owner["HOST"], owner["NAME"]) == ("postgres", postgres["POSTGRES_DB"])


def test_it_creates_the_runtime_role_on_the_first_start_of_the_database(compose):
    mounts = [volume.split(":") for volume in compose["postgres"]["volumes"] if volume.startswith("./")]
    assert [(source, target) for source, target, *_ in mounts] == [
        ("./docker/postgres/create-runtime-role.sh", "/docker-entrypoint-initdb.d/10-create-runtime-role.sh")
    ]
    assert (ROOT / "docker" / "postgres" / "create-runtime-role.sh").is_file()


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


def test_it_connects_as_the_owner_only_when_given_the_migration_url():
    code = "from django.conf import settings as s; print(s.DATABASES['default']['USER'], s.HLT_DB_RUNTIME_ROLE)"
    runtime = {**_production_env(), "DATABASE_URL": "postgres://hlt_app:a@db.example.se:5432/hlt"}
    owner = {**runtime, "MIGRATION_DATABASE_URL": "postgres://hlt:b@db.example.se:5432/hlt"}
    assert _django(code, **runtime).stdout.split() == ["hlt_app", "hlt_app"]
    assert _django(code, **owner).stdout.split() == ["hlt", "hlt_app"]


@pytest.mark.parametrize(
    "migration_url", ["postgres://hlt:b@db.example.se:5432/other", "postgres://hlt:b@elsewhere.example.se:5432/hlt"]
)
def test_it_refuses_a_migration_url_for_another_database_than_the_runtime_roles(migration_url):
    env = {
        **_production_env(),
        "DATABASE_URL": "postgres://hlt_app:a@db.example.se:5432/hlt",
        "MIGRATION_DATABASE_URL": migration_url,
    }
    result = _django("import django; django.setup()", **env)
    assert result.returncode != 0
    assert "must name the same database" in result.stderr


def test_it_refuses_a_migration_url_without_the_runtime_roles(tmp_path):
    result = _django(
        "import django; django.setup()",
        HLT_VAR_DIR=str(tmp_path),
        MIGRATION_DATABASE_URL="postgres://hlt:b@db.example.se:5432/hlt",
    )
    assert result.returncode != 0
    assert "MIGRATION_DATABASE_URL needs DATABASE_URL" in result.stderr


_FORM_ACTION = "from django.conf import settings; print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"


def test_it_lets_the_login_form_redirect_to_the_identity_provider():
    result = _django(_FORM_ACTION, **_production_env(), OIDC_SERVER_URL="https://idp.example.se/oidc/siths")
    assert result.stdout.strip() == "[\"'self'\", 'https://idp.example.se']", result.stderr


def test_it_lets_forms_post_only_to_the_portal_without_an_identity_provider():
    result = _django(_FORM_ACTION, **_production_env())
    assert result.stdout.strip() == "[\"'self'\"]", result.stderr


def test_it_refuses_a_form_action_that_is_not_an_origin():
    result = _django(_FORM_ACTION, **_production_env(), HLT_CSP_FORM_ACTION="https://idp.example.se; script-src *")
    assert result.returncode != 0
    assert "is not an origin" in result.stderr


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
