"""Cases and deadlines: `cases.services` (transitions, one open case, closing) and `cases.deadlines`."""

from scale.generate.functions import deadline_steps_sql
from scale.invariants.check import Invariant

CASES = [
    Invariant(
        "case_open_twice_in_team",
        "cases_case",
        "case_start: one open case per child and team.",
        """SELECT c.id AS pk FROM cases_case c WHERE c.status <> 'closed' AND EXISTS (
               SELECT 1 FROM cases_case o WHERE o.child_id = c.child_id AND o.team_id = c.team_id
               AND o.status <> 'closed' AND o.id <> c.id)""",
    ),
    Invariant(
        "case_closed_with_open_deadline",
        "cases_case",
        "case_close is refused while the case has an open deadline owed to the family.",
        """SELECT DISTINCT c.id AS pk FROM cases_case c JOIN cases_deadline d ON d.case_id = c.id
           WHERE c.status = 'closed' AND d.completed_at IS NULL AND d.kind = ANY(%(owed)s)""",
    ),
    Invariant(
        "case_closed_with_consent_window",
        "cases_case",
        "case_close clears consent_in_force_until, and nothing sets it on a closed case.",
        "SELECT id AS pk FROM cases_case WHERE status = 'closed' AND consent_in_force_until IS NOT NULL",
    ),
    Invariant(
        "case_waiting_for_consent_in_force",
        "cases_case",
        "case_consent_refresh: a case whose consent is in force does not wait for it.",
        """SELECT id AS pk FROM cases_case
           WHERE status = 'awaiting_consent' AND consent_in_force_until >= %(today)s""",
    ),
    Invariant(
        "case_ready_without_consent",
        "cases_case",
        "case_consent_refresh: a ready case or one on the agenda has its consent in force.",
        """SELECT id AS pk FROM cases_case WHERE status IN ('ready', 'on_agenda')
           AND (consent_in_force_until IS NULL OR consent_in_force_until < %(today)s)""",
    ),
    Invariant(
        "case_on_agenda_without_item",
        "cases_case",
        "agenda_item_add: a case on the agenda waits as a planned item on a planned meeting.",
        """SELECT c.id AS pk FROM cases_case c WHERE c.status = 'on_agenda' AND NOT EXISTS (
               SELECT 1 FROM meetings_agendaitem i JOIN meetings_meeting m ON m.id = i.meeting_id
               WHERE i.case_id = c.id AND i.purpose = 'new' AND i.state = 'planned' AND m.status = 'planned')""",
    ),
    Invariant(
        "case_discussed_without_open_feedback",
        "cases_case",
        "meeting_close opens a feedback deadline for a discussed case; feedback_record meets it and moves the case.",
        """SELECT c.id AS pk FROM cases_case c WHERE c.status = 'discussed' AND NOT EXISTS (
               SELECT 1 FROM meetings_agendaitem i JOIN cases_deadline d ON d.id = i.deadline_id
               WHERE i.case_id = c.id AND d.kind = 'feedback' AND d.completed_at IS NULL)""",
    ),
    Invariant(
        "case_feedback_given_without_feedback",
        "cases_case",
        "feedback_record moves a case on from 'discussed': a case past it has the feedback recorded.",
        """SELECT c.id AS pk FROM cases_case c WHERE c.status IN ('feedback_given', 'support_ongoing')
           AND NOT EXISTS (SELECT 1 FROM meetings_agendaitem i JOIN cases_deadline d ON d.id = i.deadline_id
                           WHERE i.case_id = c.id AND i.feedback_on IS NOT NULL AND d.completed_at IS NOT NULL)""",
    ),
    Invariant(
        "case_before_meeting_with_discussion",
        "cases_case",
        "TRANSITIONS: a discussed case never goes back, so a case not yet discussed has no deadline owed to the "
        "family (the end of its consent is none) and no minutes.",
        """SELECT c.id AS pk FROM cases_case c WHERE c.status IN ('awaiting_consent', 'ready', 'on_agenda') AND (
                EXISTS (SELECT 1 FROM cases_deadline d WHERE d.case_id = c.id AND d.kind = ANY(%(owed)s))
                OR EXISTS (SELECT 1 FROM meetings_agendaitem i
                           WHERE i.case_id = c.id AND i.purpose = 'new' AND i.state = 'discussed'))""",
    ),
]

DEADLINES = [
    Invariant(
        "deadline_due_at_not_end_of_due_date",
        "cases_deadline",
        "deadline_open, deadline_reschedule: overdue from midnight after the due date, Stockholm time.",
        "SELECT id AS pk FROM cases_deadline WHERE due_at <> (due_date + 1)::timestamp AT TIME ZONE %(tz)s",
    ),
    Invariant(
        "deadline_next_step_out_of_step",
        "cases_deadline",
        "deadline_open, _complete, _reschedule and the sweep: an open deadline waits for the time of its next "
        "step as its kind lists them (cases.deadlines, consent.expiry; none after the last); a met one waits for "
        "nothing.",
        f"""SELECT d.id AS pk FROM cases_deadline d JOIN cases_case c ON c.id = d.case_id
            CROSS JOIN LATERAL (
                SELECT {deadline_steps_sql("d.kind", "d.due_date", "c.consent_in_force_until")} AS steps) s
            WHERE CASE WHEN d.completed_at IS NOT NULL THEN d.next_step_at IS NOT NULL
                       WHEN d.next_step >= cardinality(s.steps) THEN d.next_step_at IS NOT NULL
                         OR d.next_step > cardinality(s.steps)
                       ELSE d.next_step_at IS DISTINCT FROM s.steps[d.next_step + 1] END""",  # noqa: S608 - our own SQL
    ),
    Invariant(
        "deadline_step_not_taken",
        "cases_deadline",
        "deadline_sweep: on an open case, no step of an open deadline is left waiting past its time.",
        """SELECT d.id AS pk FROM cases_deadline d JOIN cases_case c ON c.id = d.case_id
           WHERE c.status <> 'closed' AND d.completed_at IS NULL AND d.next_step_at <= %(now)s""",
    ),
]
