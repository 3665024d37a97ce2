"""Meetings, agendas and the one-week feedback: `meetings.services` and `meetings.feedback`."""

from scale.invariants.check import Invariant

MEETING_DAY = "(m.starts_at AT TIME ZONE %(tz)s)::date"

MEETINGS = [
    Invariant(
        "meeting_closed_before_it_started",
        "meetings_meeting",
        "meeting_close is refused before the meeting has started.",
        """SELECT id AS pk FROM meetings_meeting
           WHERE status = 'closed' AND (closed_at IS NULL OR closed_at < starts_at)""",
    ),
    Invariant(
        "meeting_closed_with_waiting_items",
        "meetings_meeting",
        "meeting_close: what was not discussed becomes 'not discussed'; nothing waits on closed minutes.",
        """SELECT DISTINCT m.id AS pk FROM meetings_meeting m JOIN meetings_agendaitem i ON i.meeting_id = m.id
           WHERE m.status = 'closed' AND i.state = 'planned'""",
    ),
    Invariant(
        "agenda_item_of_another_team",
        "meetings_agendaitem",
        "agenda_item_add, agenda_follow_up_add: a case goes only on its own team's meetings.",
        """SELECT i.id AS pk FROM meetings_agendaitem i JOIN meetings_meeting m ON m.id = i.meeting_id
           JOIN cases_case c ON c.id = i.case_id WHERE m.team_id <> c.team_id""",
    ),
    Invariant(
        "agenda_item_waiting_without_consent",
        "meetings_agendaitem",
        "agenda_item_add needs consent in force, and a case whose consent lapses leaves the agenda.",
        """SELECT i.id AS pk FROM meetings_agendaitem i JOIN meetings_meeting m ON m.id = i.meeting_id
           JOIN cases_case c ON c.id = i.case_id
           WHERE i.purpose = 'new' AND i.state = 'planned' AND m.status = 'planned'
             AND (c.status <> 'on_agenda' OR c.consent_in_force_until IS NULL
                  OR c.consent_in_force_until < %(today)s)""",
    ),
    Invariant(
        "agenda_item_discussed_before_meeting",
        "meetings_agendaitem",
        "minutes_record is refused before the meeting has started.",
        """SELECT i.id AS pk FROM meetings_agendaitem i JOIN meetings_meeting m ON m.id = i.meeting_id
           WHERE i.state = 'discussed' AND m.starts_at > %(now)s""",
    ),
    Invariant(
        "discussed_item_without_feedback_deadline",
        "meetings_agendaitem",
        "meeting_close opens one feedback deadline per discussed case, a week after the meeting (calendar "
        "days, or at least as many working days), for the contact person.",
        f"""SELECT i.id AS pk FROM meetings_agendaitem i JOIN meetings_meeting m ON m.id = i.meeting_id
            JOIN teams_team t ON t.id = m.team_id JOIN teams_area a ON a.id = t.area_id
            JOIN teams_municipality mu ON mu.id = a.municipality_id
            LEFT JOIN cases_deadline d ON d.id = i.deadline_id
            WHERE i.purpose = 'new' AND i.state = 'discussed' AND m.status = 'closed' AND (
                d.id IS NULL OR d.kind <> 'feedback' OR d.case_id <> i.case_id
                OR d.responsible_id IS DISTINCT FROM i.contact_person_id
                OR (mu.feedback_days = 'calendar' AND d.due_date <> {MEETING_DAY} + 7)
                OR (mu.feedback_days <> 'calendar' AND d.due_date < {MEETING_DAY} + 7))""",  # noqa: S608 - our own SQL
    ),
    Invariant(
        "deadline_on_item_not_discussed",
        "meetings_agendaitem",
        "meeting_close opens a deadline only for a discussed case, never for a follow-up item.",
        """SELECT id AS pk FROM meetings_agendaitem
           WHERE deadline_id IS NOT NULL AND (purpose <> 'new' OR state <> 'discussed')""",
    ),
    Invariant(
        "feedback_out_of_step_with_deadline",
        "meetings_agendaitem",
        "feedback_record dates the feedback from the meeting day to today and meets the deadline with it.",
        f"""SELECT i.id AS pk FROM meetings_agendaitem i JOIN meetings_meeting m ON m.id = i.meeting_id
            LEFT JOIN cases_deadline d ON d.id = i.deadline_id
            WHERE (i.feedback_on IS NOT NULL AND (d.completed_at IS NULL OR i.feedback_on < {MEETING_DAY}
                                                  OR i.feedback_on > %(today)s))
               OR (i.feedback_on IS NULL AND d.completed_at IS NOT NULL)""",  # noqa: S608 - our own SQL
    ),
]
