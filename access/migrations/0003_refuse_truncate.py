"""PostgreSQL refuses TRUNCATE of the access log, whoever asks (the owner and Django's `flush` too).

TRUNCATE fires no row trigger, so 0002's guard never saw it. The statement-level trigger reuses
0002's function: it lets only a DELETE of a row older than five years through, and a TRUNCATE
has no row (OLD is NULL), so it is always refused with the same message. A role without the
TRUNCATE privilege (the runtime role, see hlt/database_roles.py) is refused before the trigger.
"""

from django.db import migrations

CREATE = """
CREATE TRIGGER access_log_no_truncate
    BEFORE TRUNCATE ON access_accesslogentry
    FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only();
"""

DROP = "DROP TRIGGER IF EXISTS access_log_no_truncate ON access_accesslogentry;"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("access", "0002_append_only_guard")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
