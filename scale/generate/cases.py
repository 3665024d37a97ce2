"""Children, cases and deadlines, made from the case plan (`scale_case`)."""

CHILDREN = """
INSERT INTO cases_child (id, protection, identity_type, identity_number, reserve_issuer, first_name, last_name,
    birth_date, created_at)
SELECT x.id,
       CASE WHEN pg_temp.u(x.id, 101) < 0.002 THEN 'protected_registration'
            WHEN pg_temp.u(x.id, 101) < 0.0028 THEN 'confidentiality_marking'
            WHEN pg_temp.u(x.id, 101) < 0.003 THEN 'fictitious_identity' ELSE 'none' END,
       'reservnummer', 'SC' || lpad(x.id::text, 9, '0'), %(issuer)s,
       (%(first_names)s::text[])[1 + floor(pg_temp.u(x.id, 102) * cardinality(%(first_names)s::text[]))],
       (%(last_names)s::text[])[1 + floor(pg_temp.u(x.id, 103) * cardinality(%(last_names)s::text[]))],
       b.birth_date,
       (c.first_case + time '09:00') AT TIME ZONE %(tz)s
FROM (SELECT team_id, slot, min(initiated_on) AS first_case, max(initiated_on) AS last_case
      FROM scale_case GROUP BY team_id, slot) c
JOIN scale_team t USING (team_id)
CROSS JOIN LATERAL (SELECT t.child_base + c.slot + 1 AS id, (c.last_case - interval '17 years')::date + 1 AS earliest) x
-- Born so that the child is 0-16 years old at each of its cases.
CROSS JOIN LATERAL (
    SELECT CASE WHEN x.earliest > c.first_case THEN c.first_case
                ELSE x.earliest + floor(pg_temp.u(x.id, 106) * (c.first_case - x.earliest + 1))::int END AS birth_date
) b
"""

CASES = """
INSERT INTO cases_case (id, child_id, team_id, initiator_id, initiator_unit_id, initiated_on, reason_health,
    reason_learning, reason_safety, reason_description, family_view, child_view, listed_in_area, in_municipal_school,
    eligibility_exception, status, status_changed_at, consent_in_force_until, closed_on,
    closure_reason, closure_note, family_experience, family_experience_comment, created_at, updated_at,
    school_unit_id, health_centre_id, letter_language, interpreter_needed, consent_lapsed)
SELECT c.case_id, ch.id, c.team_id, t.coordinator_id,
       CASE s.sector WHEN 'health' THEN t.health_centre_id WHEN 'safety' THEN t.social_id
            WHEN 'learning' THEN CASE WHEN c.initiated_on - ch.birth_date >= 6 * 365 THEN t.school_id
                                      ELSE t.preschool_id END END,
       c.initiated_on,
       s.sector = 'health' OR pg_temp.u(c.n, 21) < 0.3,
       s.sector = 'learning' OR pg_temp.u(c.n, 22) < 0.4,
       s.sector = 'safety' OR pg_temp.u(c.n, 23) < 0.25,
       'Syntetiskt ärende (skaldata)', '', '', true, true, '', c.status,
       CASE c.status WHEN 'awaiting_consent' THEN (c.initiated_on + time '10:00') AT TIME ZONE %(tz)s
                     WHEN 'discussed' THEN c.meeting_end
                     WHEN 'closed' THEN (c.closed_on + time '16:00') AT TIME ZONE %(tz)s
                     WHEN 'feedback_given' THEN c.feedback_at WHEN 'support_ongoing' THEN c.feedback_at
                     ELSE (c.ready_on + time '10:00') AT TIME ZONE %(tz)s END,
       -- consent_in_force_until: the consent's last day while it stands; closing clears it.
       CASE WHEN c.status NOT IN ('awaiting_consent', 'closed') AND c.consent_until >= %(today)s
            THEN c.consent_until END,
       c.closed_on,
       CASE WHEN c.closed_on IS NULL THEN ''
            ELSE (ARRAY['needs_met', 'needs_met', 'needs_met', 'needs_met', 'needs_met', 'referred', 'referred',
                        'family_declined', 'moved', 'consent_withdrawn', 'other'])[1 + floor(pg_temp.u(c.n, 24) * 11)]
       END,
       '',
       -- Half the families answer; most had a good experience.
       CASE WHEN c.closed_on IS NOT NULL AND pg_temp.u(c.n, 25) < 0.5
            THEN width_bucket(pg_temp.u(c.n, 26), ARRAY[0, 0.05, 0.15, 0.35, 0.7]) END,
       '', (c.initiated_on + time '08:00') AT TIME ZONE %(tz)s + pg_temp.u(c.n, 27) * interval '8 hours', now(),
       -- What the case registered about the child: school or preschool by age, the team's health centre.
       CASE WHEN c.initiated_on - ch.birth_date >= 6 * 365 THEN t.school_id
            WHEN c.initiated_on - ch.birth_date >= 365 THEN t.preschool_id END,
       t.health_centre_id,
       CASE WHEN pg_temp.u(ch.id, 104) < 0.85 THEN 'sv'
            ELSE (ARRAY['ar', 'so', 'ti', 'prs', 'fi', 'pl', 'uk', 'en'])[1 + floor(pg_temp.u(ch.id, 105) * 8)] END,
       pg_temp.u(ch.id, 104) >= 0.92,
       -- consent_lapsed: the consent ended while the case was open (the expiry sweep's mark).
       c.status <> 'awaiting_consent' AND c.consent_until < coalesce(c.closed_on, %(today)s)
FROM scale_case c JOIN scale_team t USING (team_id)
JOIN cases_child ch ON ch.id = t.child_base + c.slot + 1
CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.u(c.n, 20) < 0.35 THEN 'health'
                                WHEN pg_temp.u(c.n, 20) < 0.8 THEN 'learning' ELSE 'safety' END AS sector) s
"""

# The sweep's state as it would be by now: the steps whose time has passed are taken (a met
# deadline took those before it was met), an open one waits for its next step. An open case whose
# guardian's consent stands (it came, and its last day has not passed) has its one open end-of-consent
# deadline (consent.services.consent_deadline_follow), due on that last day, the day its case's
# consent is in force until; opened when the consent was recorded, by the initiator.
DEADLINES = """
INSERT INTO cases_deadline (id, case_id, kind, responsible_id, due_date, due_at, next_step, next_step_at,
    completed_at, completed_by_id, created_at)
SELECT d.id, c.case_id, d.kind, t.coordinator_id, d.due_date, d.steps[cardinality(d.steps)],
       (SELECT count(*) FROM unnest(d.steps) AS step WHERE step <= coalesce(d.completed_at, %(now)s)),
       CASE WHEN d.completed_at IS NULL THEN (SELECT min(step) FROM unnest(d.steps) AS step WHERE step > %(now)s) END,
       d.completed_at, CASE WHEN d.completed_at IS NOT NULL THEN t.coordinator_id END, d.created_at
FROM scale_case c JOIN scale_team t USING (team_id)
CROSS JOIN LATERAL (
    SELECT c.n AS id, 'feedback' AS kind, c.meeting_day + 7 AS due_date, c.feedback_at AS completed_at,
           pg_temp.deadline_steps('feedback', c.meeting_day + 7, NULL) AS steps, c.meeting_end AS created_at
    WHERE c.discussed
    UNION ALL
    SELECT %(cases)s + c.n, 'follow_up', c.follow_up_on, c.follow_up_done_at,
           pg_temp.deadline_steps('follow_up', c.follow_up_on, NULL), c.meeting_end
    WHERE c.has_follow_up
    UNION ALL
    SELECT 2 * %(cases)s + c.n, 'consent_expiry', c.consent_until, NULL,
           pg_temp.deadline_steps('consent_expiry', c.consent_until, c.consent_until),
           (c.ready_on + time '10:00') AT TIME ZONE %(tz)s
    WHERE c.status <> 'closed' AND c.ready_on <= %(today)s AND c.consent_until >= %(today)s
) d
"""
