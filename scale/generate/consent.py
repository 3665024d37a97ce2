"""One guardian per case, and the guardian's consent once the case is ready, to the four units of the
team's area: what `consent_record` and the expiry sweep would have left (`scale_case.consent_until`
is the consent's last day)."""

ADULTS = """
INSERT INTO cases_adult (id, case_id, protection, first_name, last_name, identity_number, relation, is_guardian,
    street_address, postal_code, city, phone, email, language, interpreter_needed, created_at, updated_at)
SELECT c.n, c.case_id, 'none',
       (%(first_names)s::text[])[1 + floor(pg_temp.u(c.n, 50) * cardinality(%(first_names)s::text[]))],
       ch.last_name, '', 'parent', true, '', '', '', '', '', k.letter_language, k.interpreter_needed,
       k.created_at, k.created_at
FROM scale_case c JOIN cases_case k ON k.id = c.case_id JOIN cases_child ch ON ch.id = k.child_id
"""

# The sweep marks a consent expired at five past midnight after its last day (beat runs it hourly).
CONSENTS = """
INSERT INTO consent_consent (id, case_id, adult_id, purpose, maturity_assessment, category_school, category_social,
    category_physical_health, category_mental_health, valid_from, valid_until, method, oral_statement, document,
    document_type, recorded_by_id, recorded_at, withdrawn_at, withdrawal_method, withdrawal_note,
    withdrawal_recorded_by_id, expired_at)
SELECT c.n, c.case_id, c.n, 'hlt', '', true, true, true, true, c.ready_on, c.consent_until, 'paper', '', '', '',
       t.coordinator_id, (c.ready_on + time '10:00') AT TIME ZONE %(tz)s, NULL, '', '', NULL,
       CASE WHEN c.consent_until < %(today)s
            THEN least(%(now)s, (c.consent_until + 1 + time '00:05') AT TIME ZONE %(tz)s) END
FROM scale_case c JOIN scale_team t USING (team_id)
WHERE c.ready_on <= %(today)s
"""

CONSENT_PARTIES = """
INSERT INTO consent_consent_parties (id, consent_id, unit_id)
SELECT 4 * (c.n - 1) + p.position, c.n,
       (ARRAY[t.health_centre_id, t.preschool_id, t.school_id, t.social_id])[p.position]
FROM scale_case c JOIN scale_team t USING (team_id) CROSS JOIN generate_series(1, 4) AS p(position)
WHERE c.ready_on <= %(today)s
"""
