"""The established SIPs of the case plan, each with its two principals and its first revision."""

SIPS = """
INSERT INTO sip_sip (id, case_id, status, version, family_goals, efforts_needed, other_measures, no_other_measures,
    meeting_date, meeting_time, meeting_place, follow_up_date, convener_id, established_at, established_by_id,
    ended_at, ended_by_id, created_at, created_by_id, updated_at)
SELECT c.n, c.case_id, 'established', 1, 'Syntetiska mål.', 'Syntetiska insatser.', '', true, c.sip_on,
       time '14:00', 'Skaldata', c.sip_on + 90, t.coordinator_id, (c.sip_on + time '15:00') AT TIME ZONE %(tz)s,
       t.coordinator_id, NULL, NULL, (c.sip_on - 14 + time '10:00') AT TIME ZONE %(tz)s, t.coordinator_id,
       (c.sip_on + time '15:00') AT TIME ZONE %(tz)s
FROM scale_case c JOIN scale_team t USING (team_id)
WHERE c.sip_on IS NOT NULL
"""

# The municipality has the overall responsibility; the region's health centre answers for its part.
SIP_PRINCIPALS = """
INSERT INTO sip_sipprincipal (id, sip_id, position, principal_type, unit_id, organisation, responsibilities,
    is_overall_responsible, coordinator_id, coordinator_name)
SELECT 2 * c.n - 1 + p.position, c.n, p.position, CASE WHEN p.position = 0 THEN 'municipality' ELSE 'region' END,
       CASE WHEN p.position = 0 THEN t.social_id ELSE t.health_centre_id END, '', 'Syntetiskt ansvar.',
       p.position = 0, t.coordinator_id, ''
FROM scale_case c JOIN scale_team t USING (team_id) CROSS JOIN (VALUES (0), (1)) AS p(position)
WHERE c.sip_on IS NOT NULL
"""

SIP_REVISIONS = """
INSERT INTO sip_siprevision (id, sip_id, version, changed_fields, note, author_id, created_at, snapshot)
SELECT c.n, c.n, 1, '[]', '', t.coordinator_id, (c.sip_on + time '15:00') AT TIME ZONE %(tz)s, '{}'
FROM scale_case c JOIN scale_team t USING (team_id)
WHERE c.sip_on IS NOT NULL
"""
