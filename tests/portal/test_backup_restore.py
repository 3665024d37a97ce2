"""Backup and restore (scripts/backup.py, README "Backup and restore"): a case seeded through the pages is
backed up, its database dropped and its files deleted, and after the restore the portal serves the same
case and signed form, with every access-log row there and the log still append-only.

Everything runs in a scratch database of this test's own on the shared PostgreSQL (`hlt_ops_bk_<random>`,
dropped after, as is its runtime role), as in production: migrations and the restore as the owner
(MIGRATION_DATABASE_URL, here the server's superuser), the pages and the backup as a runtime role that owns
nothing (DATABASE_URL). The portal runs in `manage.py shell` subprocesses, so its settings point at the
scratch database rather than at pytest's test database.
"""

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.errors import InsufficientPrivilege, RaiseException

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "backup.py"
LOG = "access_accesslogentry"
UPDATE_LOG = f"UPDATE {LOG} SET outcome = 'denied'"  # noqa: S608
DELETE_LOG = f"DELETE FROM {LOG}"  # noqa: S608
TRUNCATE_LOG = f"TRUNCATE {LOG}"


def _server_url(name: str, user: str | None = None) -> str:
    """The URL of database `name` on the server the suite uses, as `user` (default: the suite's own)."""
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    netloc = parts.netloc.rsplit("@", 1)[-1]
    login = user or (parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else "postgres")
    return urllib.parse.urlunsplit((parts.scheme, f"{login}@{netloc}", f"/{name}", "", ""))


def _admin():
    return psycopg.connect(_server_url("postgres"), autocommit=True)


@pytest.fixture
def scratch(tmp_path):
    """A database and a runtime role of this test's own, and the environment the portal runs in there."""
    name = f"hlt_ops_bk_{uuid.uuid4().hex[:10]}"
    role = f"{name}_app"
    with _admin() as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(sql.Identifier(role)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hlt.settings_test",
        "DATABASE_URL": _server_url(name, role),
        "MIGRATION_DATABASE_URL": _server_url(name),
        "HLT_PRIVATE_DIR": str(tmp_path / "private"),
        "LANG": "C.UTF-8",
    }
    yield {"name": name, "role": role, "env": env, "private": tmp_path / "private", "backups": tmp_path / "backups"}
    with _admin() as admin:
        # Only the database and the role this fixture made, whatever happened in the test.
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def _run(env: dict, *command: str) -> str:
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, f"{command[:3]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _manage(env: dict, *arguments: str) -> str:
    return _run(env, sys.executable, "manage.py", *arguments)


def _portal(env: dict, code: str) -> dict:
    """Run `code` in the portal (a manage.py shell on the scratch database); its last printed line as JSON."""
    return json.loads(_manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def _refused(conn: psycopg.Connection, statement: str, error: type[Exception], match: str | None = None) -> None:
    with pytest.raises(error, match=match):
        conn.execute(statement)


def test_it_serves_the_same_case_after_backup_drop_and_restore_with_the_access_log_intact_and_guarded(scratch):
    env = scratch["env"]
    # Given a migrated database whose runtime role has its grants, and a case seeded through the pages
    _manage({**env, "DATABASE_URL": env["MIGRATION_DATABASE_URL"]}, "migrate", "--no-input", "--verbosity", "0")
    _manage(env, "grant_runtime_role")
    seeded = _portal(env, "from tests.backup_helpers import seed; seed()")
    assert len(seeded["log"]) >= 2  # the consent recorded and the case page opened
    assert len(list(scratch["private"].rglob("*.pdf"))) == 1

    # When it is backed up (as the runtime role), the database dropped and the files deleted
    folder = Path(_run(env, sys.executable, str(SCRIPT), "backup", "--to", str(scratch["backups"])).strip())
    manifest = json.loads((folder / "manifest.json").read_text())
    with _admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(scratch["name"])))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch["name"])))
    shutil.rmtree(scratch["private"])
    # ... and restored (as the owner) into the new, empty database
    _run(env, sys.executable, str(SCRIPT), "restore", str(folder))

    # Then the backup's names and manifest say nothing about the child, and the manifest is complete
    names = [path.name for path in folder.rglob("*")] + [folder.name]
    for personal in (seeded["child"], "Anna", seeded["reference"]):
        assert not any(personal in name for name in names)
        assert personal not in json.dumps(manifest)
    assert set(manifest["files"]) == {"database.dump", "private-files.tar"}
    assert all(len(entry["sha256"]) == 64 and entry["bytes"] > 0 for entry in manifest["files"].values())
    assert manifest["private_files"] == 1 and manifest["created_at"]

    # And the initiator is served the same case and the same signed form
    served = _portal(env, f"from tests.backup_helpers import serve; serve({seeded['case']!r}, {seeded['consent']})")
    assert served["page_status"] == 200 and seeded["reference"] in served["page"]
    assert (served["scan_status"], served["scan_sha256"]) == (200, seeded["scan_sha256"])
    # And every access-log row from before the backup is there, and the visit after it is logged too
    assert served["log_before"] == seeded["log"]
    assert served["log_after"] == len(seeded["log"]) + 2

    # And the log is still append-only: the runtime role may not change or empty it, nor may the owner
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as runtime:
        _refused(runtime, UPDATE_LOG, InsufficientPrivilege)
        _refused(runtime, DELETE_LOG, RaiseException, "append-only")
        _refused(runtime, TRUNCATE_LOG, InsufficientPrivilege)
    with psycopg.connect(env["MIGRATION_DATABASE_URL"], autocommit=True) as owner:
        _refused(owner, UPDATE_LOG, RaiseException, "append-only")
        _refused(owner, DELETE_LOG, RaiseException, "append-only")
        _refused(owner, TRUNCATE_LOG, RaiseException, "TRUNCATE refused")
        assert owner.execute(f"SELECT count(*) FROM {LOG}").fetchone()[0] == len(seeded["log"]) + 2  # noqa: S608
        # And the partition functions are still the owner's and the runtime role's only, not PUBLIC's
        assert owner.execute(
            "SELECT has_function_privilege('public', 'access_log_drop_partitions(interval)', 'EXECUTE')"
        ).fetchone() == (False,)


def _fake_backup(folder: Path) -> Path:
    """A backup folder whose manifest matches its files (which hold nothing restorable)."""
    sys.path.insert(0, str(SCRIPT.parent))
    import backup

    folder.mkdir(parents=True)
    files = {}
    for name in (backup.DUMP, backup.FILES):
        (folder / name).write_bytes(b"not a real dump")
        files[name] = {"bytes": 15, "sha256": backup._sha256(folder / name)}
    manifest = {"format": backup.FORMAT, "created_at": "2026-12-03T14:00:00+00:00", "files": files}
    (folder / backup.MANIFEST).write_text(json.dumps(manifest))
    return folder


def _script_refuses(env: dict, *arguments: str) -> str:
    """What scripts/backup.py says when it refuses (exit status 1)."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *arguments], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    return done.stderr


def test_it_refuses_to_restore_into_a_database_that_is_not_empty(scratch, tmp_path):
    folder = _fake_backup(tmp_path / "hlt-backup-20261203T140000Z")
    with psycopg.connect(scratch["env"]["MIGRATION_DATABASE_URL"], autocommit=True) as owner:
        owner.execute("CREATE TABLE something_already_here (id int)")

    assert "The database is not empty" in _script_refuses(scratch["env"], "restore", str(folder))
    assert not scratch["private"].exists()


def test_it_refuses_to_restore_a_damaged_backup(scratch, tmp_path):
    folder = _fake_backup(tmp_path / "hlt-backup-20261203T140000Z")
    (folder / "database.dump").write_bytes(b"not a real dum")

    assert "database.dump does not match the manifest" in _script_refuses(scratch["env"], "restore", str(folder))


def test_it_refuses_to_back_up_without_the_private_files_folder(scratch):
    # A wrong HLT_PRIVATE_DIR would otherwise give a backup that looks complete without a single signed form
    assert "is not a folder" in _script_refuses(scratch["env"], "backup", "--to", str(scratch["backups"]))
    assert not scratch["backups"].exists()
