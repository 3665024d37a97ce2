"""The runtime database role: what web and worker may do to the tables, and what they may not.

Each test makes roles of its own, grants one with `grant_runtime_role` as the owner (the test
database's superuser, who ran the migrations) and connects as it with psycopg, as gunicorn and
Celery would. A second connection sees only committed grants and rows, hence transactional tests
(their flush empties the tables afterwards, see conftest.py).
"""

import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from psycopg import sql
from psycopg.errors import InsufficientPrivilege, RaiseException

from access.models import AccessLogEntry

pytestmark = pytest.mark.django_db(transaction=True)

LOG = "access_accesslogentry"
INSERT_ENTRY = f"""
INSERT INTO {LOG} (occurred_at, action, object_type, object_id, outcome, request_id)
VALUES (now() - %s::interval, 'view', 'teams.team', '1', 'allowed', '') RETURNING id
"""  # noqa: S608


def _connect(user: str) -> psycopg.Connection:
    database = connection.settings_dict
    return psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=user,
        dbname=database["NAME"],
        autocommit=True,
    )


@pytest.fixture
def owner():
    """A connection as the tables' owner, outside the test's Django connection."""
    with _connect(connection.settings_dict["USER"]) as owner:
        yield owner


@pytest.fixture
def make_role(owner):
    """Create uniquely named login roles (no superuser); drop them and what they were granted after."""
    made = []

    def make(prefix: str = "runtime") -> str:
        name = f"hlt_test_{prefix}_{uuid.uuid4().hex[:12]}"
        owner.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(sql.Identifier(name)))
        made.append(name)
        return name

    yield make
    for name in reversed(made):
        # A role with privileges or default privileges left in the database cannot be dropped.
        owner.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        owner.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


@pytest.fixture
def runtime(make_role):
    """A connection as a freshly granted runtime role."""
    role = make_role()
    call_command("grant_runtime_role", role)
    with _connect(role) as runtime:
        yield runtime


def _entry(conn, *, age: str = "0 seconds") -> int:
    return conn.execute(INSERT_ENTRY, [age]).fetchone()[0]


def _entries(conn) -> int:
    return conn.execute(f"SELECT count(*) FROM {LOG}").fetchone()[0]  # noqa: S608


# --- What the runtime role may do -------------------------------------------------------------------


def test_it_lets_the_runtime_role_write_and_read_the_access_log(runtime, owner):
    entry_id = _entry(runtime)
    assert runtime.execute(f"SELECT outcome FROM {LOG} WHERE id = %s", [entry_id]).fetchone() == ("allowed",)  # noqa: S608
    assert _entries(owner) == 1


def test_it_lets_the_runtime_role_read_and_write_an_ordinary_table(runtime):
    region_id = runtime.execute(
        "INSERT INTO teams_region (name, code) VALUES ('Region Norrbotten', '25') RETURNING id"
    ).fetchone()[0]
    runtime.execute("UPDATE teams_region SET name = 'Region Norrbotten län' WHERE id = %s", [region_id])
    assert runtime.execute("SELECT name FROM teams_region WHERE id = %s", [region_id]).fetchone() == (
        "Region Norrbotten län",
    )
    assert runtime.execute("DELETE FROM teams_region WHERE id = %s", [region_id]).rowcount == 1


def test_it_lets_the_runtime_role_drop_months_past_five_years_but_not_delete_rows(runtime):
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_log_create_partitions(0, (now() - interval '6 years')::date)")
    _entry(runtime, age="5 years 2 months")
    recent = _entry(runtime)
    with pytest.raises(RaiseException, match="append-only"):
        runtime.execute(f"DELETE FROM {LOG} WHERE occurred_at < now() - interval '5 years'")  # noqa: S608
    dropped = runtime.execute("SELECT * FROM access_log_drop_partitions(interval '1 year')").fetchall()
    assert len(dropped) == 12  # the twelve months that ended five years ago or more, though asked for one year
    assert runtime.execute(f"SELECT id FROM {LOG}").fetchall() == [(recent,)]  # noqa: S608


def test_it_lets_the_runtime_role_create_next_months_partitions(runtime):
    assert runtime.execute("SELECT access_log_create_partitions(6)").fetchone()[0] == 3  # 3 were made already
    with pytest.raises(InsufficientPrivilege):
        runtime.execute(
            f"CREATE TABLE hlt_test_sneak PARTITION OF {LOG} FOR VALUES FROM ('2040-01-01') TO ('2040-02-01')"
        )


def test_it_grants_the_tables_later_migrations_create(runtime, owner):
    table = sql.Identifier(f"hlt_test_later_{uuid.uuid4().hex[:12]}")
    owner.execute(
        sql.SQL("CREATE TABLE {} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)").format(table)
    )
    try:
        runtime.execute(sql.SQL("INSERT INTO {} (note) VALUES ('new')").format(table))
        assert runtime.execute(sql.SQL("SELECT note FROM {}").format(table)).fetchall() == [("new",)]
    finally:
        owner.execute(sql.SQL("DROP TABLE {}").format(table))


# --- What the runtime role may not do to the access log ----------------------------------------------


def test_it_refuses_the_runtime_role_to_truncate_the_access_log(runtime):
    _entry(runtime)
    with pytest.raises(InsufficientPrivilege):
        runtime.execute(f"TRUNCATE {LOG}")
    assert _entries(runtime) == 1


def test_it_refuses_the_runtime_role_to_update_an_entry(runtime):
    entry_id = _entry(runtime)
    with pytest.raises(InsufficientPrivilege):
        runtime.execute(f"UPDATE {LOG} SET outcome = 'denied' WHERE id = %s", [entry_id])  # noqa: S608
    assert runtime.execute(f"SELECT outcome FROM {LOG}").fetchall() == [("allowed",)]  # noqa: S608


def test_it_refuses_the_runtime_role_to_delete_an_entry_however_old(runtime):
    _entry(runtime, age="6 years")
    with pytest.raises(RaiseException, match="append-only"):
        runtime.execute(f"DELETE FROM {LOG}")  # noqa: S608
    assert _entries(runtime) == 1


@pytest.mark.parametrize(
    "statement",
    [
        f"ALTER TABLE {LOG} DISABLE TRIGGER access_log_append_only",
        f"ALTER TABLE {LOG} DROP COLUMN ip",
        f"DROP TRIGGER access_log_no_truncate ON {LOG}",
        f"CREATE TRIGGER hlt_test_sneak BEFORE INSERT ON {LOG} FOR EACH ROW EXECUTE FUNCTION access_log_append_only()",
        "CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger AS $$ BEGIN RETURN OLD; END $$ "
        "LANGUAGE plpgsql",
        f"DROP TABLE {LOG}",
    ],
)
def test_it_refuses_the_runtime_role_to_alter_or_drop_the_access_log_or_its_guards(runtime, owner, statement):
    with pytest.raises(InsufficientPrivilege):
        runtime.execute(statement)
    triggers = owner.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled = 'O' ORDER BY tgname", [LOG]
    ).fetchall()
    assert triggers == [("access_log_append_only",), ("access_log_no_truncate",)]


def test_it_refuses_the_runtime_role_to_switch_triggers_off_for_its_session(runtime):
    with pytest.raises(InsufficientPrivilege):
        runtime.execute("SET session_replication_role = replica")


# --- The owner, and the command's own checks --------------------------------------------------------


def test_it_refuses_the_owner_to_truncate_the_access_log():
    AccessLogEntry.objects.create(action="view", object_type="teams.team", object_id="1", outcome="allowed")
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {LOG}")
    assert AccessLogEntry.objects.count() == 1


def test_it_takes_back_privileges_granted_beyond_the_runtime_set(make_role, owner):
    role = make_role()
    owner.execute(sql.SQL("GRANT ALL ON {} TO {}").format(sql.Identifier(LOG), sql.Identifier(role)))
    call_command("grant_runtime_role", role)
    with _connect(role) as runtime:
        _entry(runtime)
        with pytest.raises(InsufficientPrivilege):
            runtime.execute(f"TRUNCATE {LOG}")
        with pytest.raises(InsufficientPrivilege):
            runtime.execute(f"UPDATE {LOG} SET outcome = 'denied'")  # noqa: S608


def test_it_refuses_a_runtime_role_that_may_act_as_the_owner(make_role, owner):
    member_of_owner = make_role()
    owner.execute(
        sql.SQL("GRANT {} TO {}").format(
            sql.Identifier(connection.settings_dict["USER"]), sql.Identifier(member_of_owner)
        )
    )
    for role in [connection.settings_dict["USER"], member_of_owner]:
        with pytest.raises(CommandError, match="may act as the owner of the access log"):
            call_command("grant_runtime_role", role)


def test_it_refuses_a_runtime_role_that_may_still_update_the_log_through_another_role(make_role, owner):
    role, writer = make_role(), make_role("writer")
    owner.execute(sql.SQL("GRANT UPDATE ON {} TO {}").format(sql.Identifier(LOG), sql.Identifier(writer)))
    owner.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(writer), sql.Identifier(role)))
    with pytest.raises(CommandError, match="may still UPDATE the access log"):
        call_command("grant_runtime_role", role)
    # Nothing was granted: the refusal undoes the whole command.
    with _connect(role) as runtime, pytest.raises(InsufficientPrivilege):
        runtime.execute("SELECT count(*) FROM teams_region")


def test_it_names_a_runtime_role_that_does_not_exist():
    with pytest.raises(CommandError, match="does not exist: create it first"):
        call_command("grant_runtime_role", f"hlt_test_missing_{uuid.uuid4().hex[:12]}")
