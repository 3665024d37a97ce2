"""What the runtime database role may do to the tables, and what it may not (README "Database roles").

Migrations run as the tables' owner; web, worker and beat connect as a role that owns nothing. Only
an owner may ALTER or DROP a table or switch its triggers off, and TRUNCATE is a privilege of its
own, so with these grants the runtime role cannot empty, rewrite or unguard the access log (PDL 4:3)
whatever SQL it sends.

The log is partitioned by month (access/migrations/0004) and its trigger refuses every UPDATE,
DELETE and TRUNCATE, on each partition too. Retention drops whole months instead, and making next
months' partitions needs the owner as well: the runtime role may EXECUTE the two SECURITY DEFINER
functions that do exactly that (`LOG_FUNCTIONS`), the one that drops refusing a month younger than
five years. Without them the beat would need the owner's password in a long-running process.
"""

from django.db import connection, transaction

from access.models import AccessLogEntry

# On every table and sequence of the schema; the access log then loses UPDATE.
TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE, SELECT"
# The partition functions of access/migrations/0004 (PostgreSQL signatures), the runtime role's only way
# to create or drop a partition.
LOG_FUNCTIONS = ("access_log_create_partitions(integer, date)", "access_log_drop_partitions(interval)")
# What the runtime role must not hold on the log, neither granted nor through a role it belongs to.
LOG_REFUSED = ("UPDATE", "TRUNCATE", "TRIGGER")

# Identifiers are quoted by PostgreSQL itself: GRANT takes no bound parameters.
ROLES = """
SELECT quote_ident(r.rolname), quote_ident(n.nspname), quote_ident(c.relowner::regrole::text), r.rolsuper,
       pg_has_role(r.oid, c.relowner, 'MEMBER') OR pg_has_role(r.oid, n.nspowner, 'MEMBER'),
       pg_has_role(current_user, c.relowner, 'USAGE')
FROM pg_roles r, pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE r.rolname = %s AND c.oid = %s::regclass
"""

STILL_HELD = """
SELECT privilege FROM unnest(%s::text[]) AS privilege WHERE has_table_privilege(%s, %s::regclass, privilege)
"""

PARTITIONS = "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass ORDER BY 1"


class RuntimeRoleError(Exception):
    """The role cannot be the runtime role, or this connection cannot grant it its privileges."""


@transaction.atomic
def runtime_role_grant(*, role: str) -> None:
    """Give `role` exactly the runtime privileges on every table and sequence of the access log's
    schema, now and on those later migrations create, and take back any other privilege it held there.

    Idempotent; run it as the tables' owner (MIGRATION_DATABASE_URL) after every migrate. Refuses a
    superuser and a role that may act as the owner of the log or of its schema (no grant holds those
    back), and refuses to finish while the role may still UPDATE, TRUNCATE or add a trigger to the log
    through any role it belongs to (PUBLIC included).
    """
    if connection.vendor != "postgresql":
        raise RuntimeRoleError("Database roles exist only on PostgreSQL; the demo's SQLite has none.")
    log_table = AccessLogEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(ROLES, [role, log_table])
        found = cursor.fetchone()
        if found is None:
            raise RuntimeRoleError(f"The role {role} does not exist: create it first (README: Database roles).")
        grantee, schema, owner, superuser, acts_as_owner, may_grant = found
        if superuser or acts_as_owner:
            raise RuntimeRoleError(
                f"The role {role} may act as the owner of the access log: the runtime role must be an "
                "ordinary role that neither is nor belongs to the owner (nor owns the database)."
            )
        if not may_grant:
            raise RuntimeRoleError("Run grant_runtime_role as the owner of the tables (MIGRATION_DATABASE_URL).")
        log = connection.ops.quote_name(log_table)
        for statement in [
            f"GRANT USAGE ON SCHEMA {schema} TO {grantee}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {grantee}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {grantee}",
            f"GRANT {TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema} TO {grantee}",
            f"GRANT {SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {schema} TO {grantee}",
            f"REVOKE UPDATE ON {log} FROM {grantee}",
            *(f"GRANT EXECUTE ON FUNCTION {schema}.{function} TO {grantee}" for function in LOG_FUNCTIONS),
            # Tables and sequences the owner creates in later migrations are granted as they are made;
            # only the log is special, and it exists already.
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT {TABLE_PRIVILEGES} ON TABLES TO {grantee}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT {SEQUENCE_PRIVILEGES} ON SEQUENCES TO {grantee}",
        ]:
            cursor.execute(statement)
        cursor.execute(PARTITIONS, [log_table])
        partitions = [name for (name,) in cursor.fetchall()]
        for partition in partitions:
            cursor.execute(f"REVOKE UPDATE ON {partition} FROM {grantee}")
        still = []
        for table in [log_table, *partitions]:
            cursor.execute(STILL_HELD, [list(LOG_REFUSED), role, table])
            still += [privilege for (privilege,) in cursor.fetchall() if privilege not in still]
        if still:
            raise RuntimeRoleError(
                f"The role {role} may still {', '.join(still)} the access log through a role it belongs to "
                "(or PUBLIC): revoke that membership or grant first."
            )
