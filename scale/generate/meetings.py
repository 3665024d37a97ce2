"""Meetings from each team's schedule, and the agenda items the case plan puts on them."""

MEETINGS = """
INSERT INTO meetings_meeting (id, team_id, month, starts_at, ends_at, place, agenda_closes_at, status, rescheduled,
    cancel_reason, sequence, agenda_locked_at, guests_present, closed_at, closed_by_id, created_at)
SELECT pg_temp.meeting_id(t.team_id, m.month), t.team_id, m.month,
       (d.day + time '13:00') AT TIME ZONE %(tz)s, (d.day + time '15:30') AT TIME ZONE %(tz)s, 'Skaldata, rum 1',
       (d.day - 7 + time '13:00') AT TIME ZONE %(tz)s,
       CASE WHEN d.day < %(today)s THEN 'closed' ELSE 'planned' END, false, '', 0, NULL, '',
       CASE WHEN d.day < %(today)s THEN (d.day + time '15:30') AT TIME ZONE %(tz)s END,
       CASE WHEN d.day < %(today)s THEN t.coordinator_id END,
       least(%(now)s, (d.day - 180 + time '02:00') AT TIME ZONE %(tz)s)
FROM scale_team t
CROSS JOIN LATERAL generate_series(%(first_month)s::date, %(last_month)s::date, interval '1 month') AS g(month)
CROSS JOIN LATERAL (SELECT g.month::date AS month) m
CROSS JOIN LATERAL (SELECT pg_temp.meeting_day(t.team_id, m.month) AS day) d
WHERE extract(month FROM m.month) <> 7
"""

AGENDA_ITEMS = """
INSERT INTO meetings_agendaitem (id, meeting_id, case_id, position, purpose, state, added_by_id, added_at,
    late_reason, guests, family_attends, removed_at, removal_reason, summary, proposal, offer_joint_meeting,
    offer_sip, offer_other, contact_person_id, deadline_id, feedback_on, feedback_method, feedback_answer,
    feedback_note, feedback_recorded_by_id, letter, letter_digest)
SELECT c.n, pg_temp.meeting_id(c.team_id, c.meeting_month), c.case_id, 0, 'new',
       CASE WHEN c.discussed THEN 'discussed' ELSE 'planned' END, t.coordinator_id,
       (c.ready_on + time '09:00') AT TIME ZONE %(tz)s, '', '', pg_temp.u(c.n, 30) < 0.3, NULL, '',
       CASE WHEN c.discussed THEN 'Syntetisk sammanfattning.' ELSE '' END,
       CASE WHEN c.discussed THEN 'Syntetiskt förslag till familjen.' ELSE '' END,
       pg_temp.u(c.n, 31) < 0.25, c.sip_on IS NOT NULL, '',
       CASE WHEN c.discussed THEN t.coordinator_id END, CASE WHEN c.discussed THEN c.n END, c.feedback_on,
       CASE WHEN c.feedback_on IS NULL THEN ''
            ELSE (ARRAY['phone', 'phone', 'meeting', 'letter', 'digital'])[1 + floor(pg_temp.u(c.n, 32) * 5)] END,
       CASE WHEN c.feedback_on IS NULL THEN ''
            ELSE (ARRAY['accepted', 'accepted', 'accepted', 'partly', 'declined', 'thinking'])
                 [1 + floor(pg_temp.u(c.n, 33) * 6)] END,
       '', CASE WHEN c.feedback_on IS NOT NULL THEN t.coordinator_id END, '', ''
FROM scale_case c JOIN scale_team t USING (team_id)
WHERE c.discussed OR c.status = 'on_agenda'
UNION ALL
-- A follow-up at an HLT meeting is a follow-up item on that meeting's agenda.
SELECT %(cases)s + c.n, pg_temp.meeting_id(c.team_id, c.follow_up_month), c.case_id, 1, 'follow_up',
       CASE WHEN c.follow_up_held_on IS NOT NULL THEN 'discussed'
            WHEN c.follow_up_cancelled_on IS NOT NULL THEN 'removed'
            WHEN c.follow_up_on >= %(today)s THEN 'planned' ELSE 'not_discussed' END,
       t.coordinator_id, c.meeting_end, '', '', false,
       CASE WHEN c.follow_up_cancelled_on IS NOT NULL THEN c.follow_up_done_at END,
       CASE WHEN c.follow_up_cancelled_on IS NOT NULL THEN 'by_user' ELSE '' END,
       '', '', false, false, '', NULL, NULL, NULL, '', '', '', NULL, '', ''
FROM scale_case c JOIN scale_team t USING (team_id)
WHERE c.has_follow_up AND c.follow_up_at_meeting
"""
