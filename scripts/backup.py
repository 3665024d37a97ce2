"""Back up and restore HLT Samverkan: the PostgreSQL database and the private files (README "Backup and restore").

    python scripts/backup.py backup --to /srv/backup        # DATABASE_URL, HLT_PRIVATE_DIR
    python scripts/backup.py verify /srv/backup/hlt-backup-20261203T141500Z
    python scripts/backup.py restore /srv/backup/hlt-backup-20261203T141500Z   # MIGRATION_DATABASE_URL too

A backup is one folder named by its UTC time: `database.dump` (pg_dump's custom format), `private-files.tar`
(the uploaded signed forms, whose names on disk are random) and `manifest.json` (time, sizes, SHA-256). No name
in it says anything about a person; the content does, so keep backups as the database itself is kept.

The backup reads as the runtime role (DATABASE_URL may SELECT every table), so a nightly job needs no owner's
password. A restore writes as the tables' owner (MIGRATION_DATABASE_URL), into an empty database and an empty
files folder only, and keeps the privileges the dump holds (the runtime role's grants, the partition
functions' EXECUTE taken from PUBLIC): the two roles must exist first. It then runs `manage.py
grant_runtime_role`, which makes the runtime role's privileges exactly right whatever the dump held.

Only the Python standard library and PostgreSQL's client tools (pg_dump, pg_restore, psql) are used, so the
script runs on a backup host without the portal installed (`--no-grant` skips the last step there).
"""

import argparse
import datetime
import hashlib
import json
import os
import subprocess  # noqa: S404  (runs PostgreSQL's own tools, with argument lists, never a shell)
import sys
import tarfile
import urllib.parse
from pathlib import Path

DUMP = "database.dump"
FILES = "private-files.tar"
MANIFEST = "manifest.json"
FORMAT = 1  # the manifest's layout; a restore refuses one it does not know
ROOT = Path(__file__).resolve().parent.parent
# Is anything in the database already? A restore goes into an empty one only.
NOT_EMPTY = (
    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
)


class BackupError(Exception):
    """What stops a backup or a restore, said in one line for the operator."""


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password, and the environment that carries the password instead: a password in
    an argument is visible to every user of the machine (ps)."""
    if not url:
        raise BackupError("No database URL: set DATABASE_URL (and MIGRATION_DATABASE_URL for a restore).")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise BackupError("The database URL must be postgres://user:password@host:port/name.")
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = urllib.parse.unquote(parts.password)
    netloc = parts.hostname or ""
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urllib.parse.urlunsplit(("postgresql", netloc, parts.path, parts.query, "")), env


def _run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
    return done.stdout


def _psql(uri: str, env: dict[str, str], query: str) -> str:
    return _run(["psql", "--no-psqlrc", "--tuples-only", "--no-align", f"--dbname={uri}", "-c", query], env).strip()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _private_dir(value: str | None) -> Path:
    if not value:
        raise BackupError("No files folder: set HLT_PRIVATE_DIR or pass --private-dir.")
    return Path(value)


def backup(*, database_url: str, private_dir: Path, to: Path, now: datetime.datetime | None = None) -> Path:
    """Write one backup folder under `to` and return it."""
    if not private_dir.is_dir():
        # Most likely a wrong HLT_PRIVATE_DIR: a backup without the signed forms would look complete.
        raise BackupError(f"{private_dir} is not a folder: point HLT_PRIVATE_DIR at the private files.")
    now = now or datetime.datetime.now(datetime.UTC)
    folder = to / f"hlt-backup-{now:%Y%m%dT%H%M%SZ}"
    folder.mkdir(parents=True, mode=0o700)
    uri, env = _libpq(database_url)
    # Custom format: compressed, and pg_restore can restore it into a database of another name.
    _run(["pg_dump", "--format=custom", f"--file={folder / DUMP}", f"--dbname={uri}"], env)
    server = _psql(uri, env, "SHOW server_version")
    with tarfile.open(folder / FILES, "w") as archive:
        archive.add(private_dir, arcname=".")
    files = {
        name: {"bytes": (folder / name).stat().st_size, "sha256": _sha256(folder / name)} for name in [DUMP, FILES]
    }
    with tarfile.open(folder / FILES) as archive:
        private_files = sum(1 for member in archive.getmembers() if member.isfile())
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(timespec="seconds"),
        "postgresql_server": server,
        "private_files": private_files,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def verify(folder: Path) -> dict:
    """The backup's manifest, once every file's size and SHA-256 match it."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"No readable manifest in {folder}: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown manifest format {manifest.get('format')!r}.")
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != expected["bytes"] or _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} does not match the manifest: the backup is damaged or incomplete.")
    return manifest


def restore(*, folder: Path, migration_database_url: str, private_dir: Path, grant: bool = True) -> dict:
    """Restore a verified backup into an empty database and an empty files folder; return its manifest."""
    manifest = verify(folder)
    uri, env = _libpq(migration_database_url)
    if int(_psql(uri, env, NOT_EMPTY)) != 0:
        raise BackupError("The database is not empty: restore into a newly created one (README: Backup and restore).")
    if private_dir.exists() and any(private_dir.iterdir()):
        raise BackupError(f"{private_dir} is not empty: restore the files into an empty folder.")
    # --no-owner: every object belongs to the role restoring (the owner), whatever the old owner was called.
    # Privileges are kept: without them the partition functions would be executable by PUBLIC again.
    _run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", f"--dbname={uri}", str(folder / DUMP)],
        env,
    )
    private_dir.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / FILES) as archive:
        archive.extractall(private_dir, filter="data")  # refuses absolute paths, '..' and links out of the folder
    if grant:
        _run([sys.executable, str(ROOT / "manage.py"), "grant_runtime_role"], dict(os.environ))
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="dump the database and the private files into a new folder")
    make.add_argument("--to", type=Path, required=True, help="where the backup folder is made")
    check = commands.add_parser("verify", help="check a backup's files against its manifest")
    check.add_argument("folder", type=Path)
    back = commands.add_parser("restore", help="restore a backup into an empty database and files folder")
    back.add_argument("folder", type=Path)
    back.add_argument("--no-grant", action="store_true", help="skip manage.py grant_runtime_role afterwards")
    for command in (make, back):
        command.add_argument("--private-dir", default=os.environ.get("HLT_PRIVATE_DIR"), help="HLT_PRIVATE_DIR")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "backup":
            folder = backup(
                database_url=os.environ.get("DATABASE_URL", ""),
                private_dir=_private_dir(arguments.private_dir),
                to=arguments.to,
            )
            print(folder)
        elif arguments.command == "verify":
            print(json.dumps(verify(arguments.folder), indent=2))
        else:
            restore(
                folder=arguments.folder,
                migration_database_url=os.environ.get("MIGRATION_DATABASE_URL", ""),
                private_dir=_private_dir(arguments.private_dir),
                grant=not arguments.no_grant,
            )
            print(f"Restored {arguments.folder}")
    except BackupError as error:
        print(f"{arguments.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
