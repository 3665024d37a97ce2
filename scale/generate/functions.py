"""The SQL helpers every generated row is computed with: repeatable chance, meeting days, deadline steps."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cases.models import DeadlineKind


def promise_steps_sql(due: str) -> str:
    """`cases.deadlines.promise_steps` (feedback, a follow-up) as an SQL array of times for a due date
    given by the SQL expression `due`: the reminders (HLT_FEEDBACK_REMINDER_DAYS before, at
    HLT_REMINDER_HOUR), then overdue at the end of the due day, all in Stockholm time."""
    tz = _tz()
    hour = int(settings.HLT_REMINDER_HOUR)
    reminders = [
        f"(({due} - {int(days)}) + time '{hour:02d}:00') AT TIME ZONE '{tz}'"
        for days in sorted(settings.HLT_FEEDBACK_REMINDER_DAYS, reverse=True)
    ]
    return "ARRAY[" + ", ".join([*reminders, f"({due} + 1)::timestamp AT TIME ZONE '{tz}'"]) + "]"


def consent_expiry_steps_sql(due: str, until: str) -> str:
    """`consent.expiry.consent_expiry_steps` as an SQL array: the reminder at midnight Stockholm
    HLT_CONSENT_REMINDER_DAYS before `until` (the last day the case's consent is in force), left out
    when `until` is empty or the reminder would not come before the expiry, then the expiry at
    midnight after the due date."""
    tz = _tz()
    expiry = f"({due} + 1)::timestamp AT TIME ZONE '{tz}'"
    reminder = f"({until} - {int(settings.HLT_CONSENT_REMINDER_DAYS)})::timestamp AT TIME ZONE '{tz}'"
    return f"CASE WHEN {reminder} < {expiry} THEN ARRAY[{reminder}, {expiry}] ELSE ARRAY[{expiry}] END"


def deadline_steps_sql(kind: str, due: str, until: str) -> str:
    """`cases.deadlines.deadline_steps` as an SQL array of times, per kind as each app registers its
    steps, for the SQL expressions `kind`, `due` (the due date) and `until` (the case's
    consent_in_force_until). Only integers from the settings are formatted in."""
    steps = {
        DeadlineKind.FEEDBACK: promise_steps_sql(due),
        DeadlineKind.FOLLOW_UP: promise_steps_sql(due),
        DeadlineKind.CONSENT_EXPIRY: consent_expiry_steps_sql(due, until),
    }
    # A kind added without its steps here would be checked against none: say so at once.
    missing = set(DeadlineKind.values) - set(steps)
    if missing:
        raise ImproperlyConfigured(f"scale.generate.functions has no SQL steps for the deadline kinds {missing}.")
    whens = " ".join(f"WHEN '{kind_value}' THEN {sql}" for kind_value, sql in steps.items())
    return f"CASE {kind} {whens} END"


def _tz() -> str:
    return str(zoneinfo.ZoneInfo(settings.TIME_ZONE))


def functions_sql(seed: int) -> str:
    """Session helpers, each one immutable SQL expression so that the planner inlines it (a call
    that is not inlined costs ~10 µs, minutes over millions of rows). Only integers from the command
    line and the settings are formatted in."""
    salt = int(seed) * 1000
    steps = deadline_steps_sql("kind", "due", "until")
    return f"""
    -- A uniform number in [0, 1) from a row's key and a stream number: repeatable chance.
    CREATE OR REPLACE FUNCTION pg_temp.u(key bigint, stream int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
    $$ SELECT (hashint8extended(key, stream::bigint + {salt}) & 4503599627370495)::float8 / 4503599627370496 $$;
    -- Every team meets on the second Monday to Friday (by team id) of the month.
    CREATE OR REPLACE FUNCTION pg_temp.meeting_day(team bigint, month date) RETURNS date LANGUAGE sql IMMUTABLE AS
    $$ SELECT month + (mod(mod(team, 5)::int - extract(isodow FROM month)::int + 8, 7) + 7) $$;
    -- The first meeting whose agenda (closing 7 days before) a case ready on `ready` reaches; none in July.
    CREATE OR REPLACE FUNCTION pg_temp.meeting_month(team bigint, ready date) RETURNS date LANGUAGE sql IMMUTABLE AS
    $$ SELECT CASE
        WHEN extract(month FROM ready) <> 7
             AND pg_temp.meeting_day(team, date_trunc('month', ready::timestamp)::date) - 7 >= ready
        THEN date_trunc('month', ready::timestamp)::date
        WHEN extract(month FROM ready) <> 6 THEN (date_trunc('month', ready::timestamp) + interval '1 month')::date
        ELSE (date_trunc('month', ready::timestamp) + interval '2 months')::date END $$;
    -- `count` months on, or one more to skip July.
    CREATE OR REPLACE FUNCTION pg_temp.months_later(month date, count int) RETURNS date LANGUAGE sql IMMUTABLE AS
    $$ SELECT (month + make_interval(months => count
                      + (extract(month FROM month + make_interval(months => count)) = 7)::int))::date $$;
    -- cases.deadlines.deadline_steps, per kind: for a promise the reminders, then overdue at the end of
    -- the due day; for the end of consent the reminder before `until`, then the expiry.
    CREATE OR REPLACE FUNCTION pg_temp.deadline_steps(kind text, due date, until date) RETURNS timestamptz[]
    LANGUAGE sql IMMUTABLE AS
    $$ SELECT {steps} $$;
    -- Ids from text casts that are immutable (a date's text depends on DateStyle, its number does not).
    CREATE OR REPLACE FUNCTION pg_temp.meeting_id(team bigint, month date) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    $$ SELECT md5('{salt}:meeting:' || team::text || ':' || (month - date '2000-01-01')::text)::uuid $$;
    CREATE OR REPLACE FUNCTION pg_temp.case_id(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    $$ SELECT md5('{salt}:case:' || n::text)::uuid $$;
    """  # noqa: S608
