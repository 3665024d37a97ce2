"""scale.invariants: the services' rules as checks of a whole database, and the generator against them.

Data the services made (the demo seed, then the sweeps as beat would run them) keeps every rule,
so the checks say what the services guarantee; the generated country keeps them too, so a rule
that changes in a service and not in the generator fails here; and a row broken by hand is
reported by the one check for its rule, so no check is vacuous.
"""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from cases.deadlines import deadline_sweep
from demo.seed import seed_demo
from scale.invariants import INVARIANTS, violations

NONE_BROKEN = {invariant.name: [] for invariant in INVARIANTS}


def _violations() -> dict[str, list]:
    return violations(today=timezone.localdate(), now=timezone.now())


def _broken() -> dict[str, list]:
    return {name: pks for name, pks in _violations().items() if pks}


# First in the module (pytest-django keeps the order of its database tests): the generator refuses a
# database that holds the demo's children.
@pytest.mark.django_db
def test_it_finds_nothing_broken_in_the_generated_country():
    call_command("generate_scale_data", children=1000, force=True, stdout=io.StringIO())

    assert _violations() == NONE_BROKEN


@pytest.fixture(scope="module")
def services_data(django_db_setup, django_db_blocker):
    """The demo made through the services, then the sweeps as beat runs them, once for the module in a
    transaction rolled back at its end; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        deadline_sweep(now=timezone.now())
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_it_finds_nothing_broken_in_what_the_services_made(services_data):
    assert _violations() == NONE_BROKEN


def _break(sql: str):
    """Run one UPDATE ... RETURNING the changed row's key; returns that key."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    assert len(rows) == 1, "the demo has no row to break this way"
    return rows[0][0]


BREAKS = {
    "case_closed_with_consent_window": """
        UPDATE cases_case SET consent_in_force_until = current_date
        WHERE id = (SELECT id FROM cases_case WHERE status = 'closed' ORDER BY id LIMIT 1) RETURNING id""",
    # The end-of-consent deadline's reminder follows the window: it is kept in step, as the consent
    # services would, so that only the window breaks its rule.
    "case_consent_window_not_its_consents": f"""
        WITH moved AS (
            UPDATE cases_case SET consent_in_force_until = consent_in_force_until + 1
            WHERE id = (SELECT id FROM cases_case WHERE status = 'ready' ORDER BY id LIMIT 1)
            RETURNING id, consent_in_force_until AS until
        ), followed AS (
            UPDATE cases_deadline d
            SET next_step_at = (m.until - {int(settings.HLT_CONSENT_REMINDER_DAYS)})::timestamp AT TIME ZONE
                '{settings.TIME_ZONE}'
            FROM moved m WHERE d.case_id = m.id AND d.kind = 'consent_expiry' AND d.completed_at IS NULL
              AND d.next_step = 0 AND d.next_step_at < d.due_at
        )
        SELECT id FROM moved""",  # noqa: S608 - our own SQL
    "case_consent_deadline_not_its_consents": """
        UPDATE cases_deadline SET completed_at = now(), next_step_at = NULL
        WHERE id = (SELECT d.id FROM cases_deadline d JOIN cases_case c ON c.id = d.case_id
                    WHERE c.status = 'ready' AND d.kind = 'consent_expiry' AND d.completed_at IS NULL
                    ORDER BY d.id LIMIT 1) RETURNING case_id""",
    "case_closed_with_consent_deadline": """
        UPDATE cases_deadline SET completed_at = NULL, completed_by_id = NULL, next_step = 0, next_step_at = due_at
        WHERE id = (SELECT d.id FROM cases_deadline d JOIN cases_case c ON c.id = d.case_id
                    WHERE c.status = 'closed' AND d.kind = 'consent_expiry' ORDER BY d.id LIMIT 1) RETURNING case_id""",
    # Since the end of consent is a deadline of the open case (consent.expiry), a consent that ended
    # unmarked is one whose expiry step was taken and failed to mark it: on a case whose consent is
    # not in force anyway (lapsed), so that its window and its lapse stay right.
    "consent_ended_unmarked": f"""
        WITH ended AS (
            UPDATE consent_consent SET valid_from = least(valid_from, current_date - 1), valid_until = current_date - 1
            WHERE id = (SELECT c.id FROM consent_consent c JOIN cases_case k ON k.id = c.case_id
                        WHERE k.status <> 'closed' AND k.consent_lapsed AND k.consent_in_force_until IS NULL
                          AND c.withdrawn_at IS NULL AND c.expired_at IS NULL ORDER BY c.id LIMIT 1)
            RETURNING id, case_id, valid_until
        ), taken AS (
            UPDATE cases_deadline d SET due_date = e.valid_until,
                due_at = (e.valid_until + 1)::timestamp AT TIME ZONE '{settings.TIME_ZONE}', next_step = 1,
                next_step_at = NULL
            FROM ended e WHERE d.case_id = e.case_id AND d.kind = 'consent_expiry' AND d.completed_at IS NULL
        )
        SELECT id FROM ended""",  # noqa: S608 - our own SQL
    "deadline_due_at_not_end_of_due_date": """
        UPDATE cases_deadline SET due_at = due_at - interval '1 hour'
        WHERE id = (SELECT id FROM cases_deadline WHERE completed_at IS NOT NULL ORDER BY id LIMIT 1) RETURNING id""",
    "deadline_next_step_out_of_step": """
        UPDATE cases_deadline SET next_step_at = next_step_at + interval '1 minute'
        WHERE id = (SELECT id FROM cases_deadline WHERE completed_at IS NULL AND next_step_at IS NOT NULL
                    ORDER BY id LIMIT 1) RETURNING id""",
    "follow_up_out_of_step_with_deadline": """
        UPDATE cases_deadline SET completed_at = now(), next_step_at = NULL
        WHERE id = (SELECT d.id FROM cases_deadline d JOIN support_followup f ON f.deadline_id = d.id
                    WHERE d.completed_at IS NULL ORDER BY d.id LIMIT 1)
        RETURNING (SELECT f.id FROM support_followup f WHERE f.deadline_id = cases_deadline.id)""",
    "meeting_closed_before_it_started": """
        UPDATE meetings_meeting SET closed_at = starts_at - interval '1 minute'
        WHERE id = (SELECT id FROM meetings_meeting WHERE status = 'closed' ORDER BY id LIMIT 1) RETURNING id""",
    "sip_established_without_its_parts": """
        UPDATE sip_sipprincipal SET is_overall_responsible = false
        WHERE id = (SELECT p.id FROM sip_sipprincipal p JOIN sip_sip s ON s.id = p.sip_id
                    WHERE s.status = 'established' AND p.is_overall_responsible ORDER BY p.id LIMIT 1)
        RETURNING sip_id""",
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BREAKS))
def test_it_reports_a_row_broken_by_hand_under_its_rule_alone(services_data, name):
    broken = _break(BREAKS[name])

    assert _broken() == {name: [broken]}


@pytest.mark.django_db
def test_the_command_names_the_broken_rule_and_fails(services_data):
    _break(BREAKS["case_closed_with_consent_window"])
    output = io.StringIO()

    with pytest.raises(CommandError, match="1 rules broken: case_closed_with_consent_window"):
        call_command("check_scale_invariants", stdout=output)
    assert "sip_version_without_revision" in output.getvalue()
