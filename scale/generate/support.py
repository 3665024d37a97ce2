"""Interventions and follow-ups, made from the case plan (`scale_case`)."""

INTERVENTIONS = """
INSERT INTO support_intervention (id, case_id, agreed_action_id, intervention_type_id, principal, responsible_unit_id,
    responsible_person_id, description, start_date, follow_up_date, status, status_changed_at, outcome, family_view,
    evaluation_comment, evaluated_on, evaluated_by_id, created_by_id, created_at)
SELECT i.id, c.case_id, NULL,
       (%(intervention_types)s::bigint[])
           [1 + floor(pg_temp.u(i.id, 40) * cardinality(%(intervention_types)s::bigint[]))],
       CASE WHEN i.unit = t.health_centre_id THEN 'region' ELSE 'municipality' END, i.unit, t.coordinator_id, '',
       i.start_date, i.follow_up_date, s.status,
       CASE WHEN s.status IN ('done', 'cancelled') THEN (s.ended_on + time '15:00') AT TIME ZONE %(tz)s
            WHEN s.status = 'ongoing' THEN (i.start_date + time '09:00') AT TIME ZONE %(tz)s
            ELSE c.meeting_end END,
       CASE WHEN s.status = 'done'
            THEN (ARRAY['reached', 'reached', 'partly', 'partly', 'not_reached'])[1 + floor(pg_temp.u(i.id, 43) * 5)]
            ELSE '' END,
       '', '', CASE WHEN s.status = 'done' THEN s.ended_on END, CASE WHEN s.status = 'done' THEN t.coordinator_id END,
       t.coordinator_id, c.meeting_end
FROM scale_case c JOIN scale_team t USING (team_id)
CROSS JOIN LATERAL generate_series(1, c.interventions) AS g(number)
CROSS JOIN LATERAL (
    SELECT (c.n - 1) * 3 + g.number AS id,
           (ARRAY[t.health_centre_id, t.school_id, t.preschool_id, t.social_id])
               [1 + floor(pg_temp.u((c.n - 1) * 3 + g.number, 41) * 4)] AS unit,
           c.meeting_day + 1 + floor(pg_temp.u((c.n - 1) * 3 + g.number, 42) * 14)::int AS start_date
) i0
CROSS JOIN LATERAL (
    SELECT i0.*, i0.start_date + 56 + floor(pg_temp.u(i0.id, 44) * 70)::int AS follow_up_date
) i
CROSS JOIN LATERAL (
    SELECT CASE WHEN c.closed_on IS NOT NULL THEN CASE WHEN pg_temp.u(i.id, 45) < 0.85 THEN 'done' ELSE 'cancelled' END
                WHEN i.start_date > %(today)s THEN 'planned'
                WHEN i.follow_up_date <= %(today)s AND pg_temp.u(i.id, 45) < 0.6 THEN 'done'
                ELSE 'ongoing' END AS status,
           least(i.follow_up_date, c.closed_on) AS ended_on
) s
"""

FOLLOW_UPS = """
INSERT INTO support_followup (id, case_id, intervention_id, kind, planned_on, meeting_id, responsible_id, deadline_id,
    held_on, summary, family_view, recorded_by_id, recorded_at, cancelled_at, cancelled_by_id, created_by_id,
    created_at)
SELECT c.n, c.case_id, NULL, CASE WHEN c.follow_up_at_meeting THEN 'hlt_meeting' ELSE 'family_meeting' END,
       c.follow_up_on, CASE WHEN c.follow_up_at_meeting THEN pg_temp.meeting_id(c.team_id, c.follow_up_month) END,
       t.coordinator_id, %(cases)s + c.n, c.follow_up_held_on,
       CASE WHEN c.follow_up_held_on IS NOT NULL THEN 'Syntetisk uppföljning.' ELSE '' END, '',
       CASE WHEN c.follow_up_held_on IS NOT NULL THEN t.coordinator_id END,
       CASE WHEN c.follow_up_held_on IS NOT NULL THEN c.follow_up_done_at END,
       CASE WHEN c.follow_up_cancelled_on IS NOT NULL THEN c.follow_up_done_at END,
       CASE WHEN c.follow_up_cancelled_on IS NOT NULL THEN t.coordinator_id END, t.coordinator_id, c.meeting_end
FROM scale_case c JOIN scale_team t USING (team_id)
WHERE c.has_follow_up
"""
