"""Interventions and follow-ups: `support.services` and `support.receivers`."""

from scale.invariants.check import Invariant

SUPPORT = [
    Invariant(
        "support_before_discussion",
        "cases_case",
        "Interventions and follow-ups are planned once the team has discussed the case.",
        """SELECT c.id AS pk FROM cases_case c
           WHERE c.status NOT IN ('discussed', 'feedback_given', 'support_ongoing', 'closed') AND (
                EXISTS (SELECT 1 FROM support_intervention v WHERE v.case_id = c.id)
                OR EXISTS (SELECT 1 FROM support_followup f WHERE f.case_id = c.id))""",
    ),
    Invariant(
        "support_ongoing_without_support",
        "cases_case",
        "A case moves to 'support ongoing' with an intervention under way or an established SIP.",
        """SELECT c.id AS pk FROM cases_case c WHERE c.status = 'support_ongoing'
           AND NOT EXISTS (SELECT 1 FROM support_intervention v WHERE v.case_id = c.id)
           AND NOT EXISTS (SELECT 1 FROM sip_sip s WHERE s.case_id = c.id AND s.status <> 'draft')""",
    ),
    Invariant(
        "feedback_given_with_ongoing_intervention",
        "cases_case",
        "interventions_follow_the_case: a case with an ongoing intervention is 'support ongoing' once the "
        "feedback is given.",
        """SELECT c.id AS pk FROM cases_case c WHERE c.status = 'feedback_given' AND EXISTS (
               SELECT 1 FROM support_intervention v WHERE v.case_id = c.id AND v.status = 'ongoing')""",
    ),
    Invariant(
        "closed_case_with_active_support",
        "cases_case",
        "_end_the_plan: closing cancels planned and ongoing interventions and takes waiting items off agendas.",
        """SELECT c.id AS pk FROM cases_case c WHERE c.status = 'closed' AND (
               EXISTS (SELECT 1 FROM support_intervention v
                       WHERE v.case_id = c.id AND v.status IN ('planned', 'ongoing'))
               OR EXISTS (SELECT 1 FROM meetings_agendaitem i JOIN meetings_meeting m ON m.id = i.meeting_id
                          WHERE i.case_id = c.id AND i.state = 'planned' AND m.status = 'planned'))""",
    ),
    Invariant(
        "follow_up_out_of_step_with_deadline",
        "support_followup",
        "follow_up_plan opens a follow-up deadline due on the planned day; recording or cancelling meets it.",
        """SELECT f.id AS pk FROM support_followup f LEFT JOIN cases_deadline d ON d.id = f.deadline_id
           WHERE d.id IS NULL OR d.kind <> 'follow_up' OR d.case_id <> f.case_id OR d.due_date <> f.planned_on
              OR (d.completed_at IS NULL) <> (f.held_on IS NULL AND f.cancelled_at IS NULL)""",
    ),
    Invariant(
        "follow_up_at_meeting_off_its_day",
        "support_followup",
        "follow_up_plan at an HLT meeting, and the receivers that move it with its meeting: an open follow-up "
        "is at a meeting of the case's team, on its day, with the case on its agenda for a follow-up.",
        """SELECT f.id AS pk FROM support_followup f JOIN meetings_meeting m ON m.id = f.meeting_id
           JOIN cases_case c ON c.id = f.case_id
           WHERE f.kind = 'hlt_meeting' AND f.held_on IS NULL AND f.cancelled_at IS NULL AND (
               m.team_id <> c.team_id OR f.planned_on <> (m.starts_at AT TIME ZONE %(tz)s)::date
               OR NOT EXISTS (SELECT 1 FROM meetings_agendaitem i WHERE i.meeting_id = m.id
                              AND i.case_id = f.case_id AND i.purpose = 'follow_up'))""",
    ),
]
