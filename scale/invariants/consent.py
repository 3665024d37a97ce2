"""Consent: `consent.selectors.consent_state` as the cases store it (`case_consent_refresh`), and the
expiry sweep. Checked as of `today`, after the day's sweep."""

from scale.invariants.check import Invariant

STANDING = "(c.withdrawn_at IS NULL AND c.expired_at IS NULL AND %(today)s BETWEEN c.valid_from AND c.valid_until)"

# consent_state for every open case: each guardian's latest HLT consent (withdrawn, standing, or
# ended) or an exception, the child's own latest consent, and from them whether the consent is in
# force, until when, and whether it lapsed.
CONSENT_STATE = f"""
WITH guardian AS (
    SELECT a.case_id, l.withdrawn_at IS NOT NULL AS withdrawn, coalesce(l.standing, false) AS standing,
           l.valid_until, l.id IS NOT NULL AND l.withdrawn_at IS NULL AND NOT l.standing AND NOT EXISTS (
               SELECT 1 FROM consent_consentexception e
               WHERE e.case_id = a.case_id AND e.adult_id = a.id AND e.purpose = 'hlt') AS expired,
           EXISTS (SELECT 1 FROM consent_consentexception e
                   WHERE e.case_id = a.case_id AND e.adult_id = a.id AND e.purpose = 'hlt') AS excepted
    FROM cases_adult a
    LEFT JOIN LATERAL (
        SELECT c.id, c.withdrawn_at, c.valid_until, {STANDING} AS standing FROM consent_consent c
        WHERE c.case_id = a.case_id AND c.adult_id = a.id AND c.purpose = 'hlt'
        ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1
    ) l ON true
    WHERE a.is_guardian
), child AS (
    SELECT DISTINCT ON (c.case_id) c.case_id, {STANDING} AS standing, c.valid_until
    FROM consent_consent c WHERE c.adult_id IS NULL AND c.purpose = 'hlt'
    ORDER BY c.case_id, c.recorded_at DESC, c.id DESC
), per_case AS (
    SELECT k.id, k.consent_in_force_until, k.consent_lapsed,
           count(g.case_id) > 0 AND coalesce(bool_or(g.standing), false)
               AND coalesce(bool_and(g.standing OR (g.excepted AND NOT g.withdrawn)), false)
               AND NOT coalesce(bool_or(g.withdrawn OR g.expired), false)
               AND coalesce(ch.standing, true) AS in_force,
           coalesce(bool_or(g.withdrawn OR g.expired), false) OR NOT coalesce(ch.standing, true) AS lapsed,
           least(min(g.valid_until) FILTER (WHERE g.standing),
                 CASE WHEN ch.standing THEN ch.valid_until END) AS until
    FROM cases_case k
    LEFT JOIN guardian g ON g.case_id = k.id
    LEFT JOIN child ch ON ch.case_id = k.id
    WHERE k.status <> 'closed'
    GROUP BY k.id, ch.standing, ch.valid_until
)
"""  # noqa: S608 - our own SQL

CONSENT = [
    Invariant(
        "case_consent_window_not_its_consents",
        "cases_case",
        "case_consent_refresh: an open case's consent_in_force_until is the earliest last day of the standing "
        "consents when every guardian has consented or is excepted, and empty otherwise.",
        CONSENT_STATE  # noqa: S608 - our own SQL
        + """SELECT id AS pk FROM per_case
             WHERE consent_in_force_until IS DISTINCT FROM CASE WHEN in_force THEN until END""",
    ),
    Invariant(
        "case_consent_lapsed_not_its_consents",
        "cases_case",
        "case_consent_refresh: an open case is marked lapsed exactly when a consent of it was withdrawn or "
        "ended and it is not in force.",
        CONSENT_STATE + "SELECT id AS pk FROM per_case WHERE consent_lapsed <> (NOT in_force AND lapsed)",  # noqa: S608
    ),
    Invariant(
        "consent_ended_unmarked",
        "consent_consent",
        "The consent expiry deadline (consent/expiry.py) marks every standing consent of an open case whose last day "
        "has passed as expired.",
        """SELECT c.id AS pk FROM consent_consent c JOIN cases_case k ON k.id = c.case_id
           WHERE c.withdrawn_at IS NULL AND c.expired_at IS NULL AND c.valid_until < %(today)s
             AND k.status <> 'closed'""",
    ),
    Invariant(
        "case_consent_deadline_not_its_consents",
        "cases_case",
        "consent_deadline_follow: an open case with standing consents (neither withdrawn nor expired) has exactly "
        "one open end-of-consent deadline, due on the earliest last day among them; one without has none.",
        """SELECT k.id AS pk FROM cases_case k
           CROSS JOIN LATERAL (SELECT min(c.valid_until) AS first_end FROM consent_consent c
                               WHERE c.case_id = k.id AND c.withdrawn_at IS NULL AND c.expired_at IS NULL) s
           CROSS JOIN LATERAL (SELECT count(*) AS open, min(d.due_date) AS due FROM cases_deadline d
                               WHERE d.case_id = k.id AND d.kind = 'consent_expiry' AND d.completed_at IS NULL) d
           WHERE k.status <> 'closed'
             AND CASE WHEN s.first_end IS NULL THEN d.open <> 0 ELSE d.open <> 1 OR d.due <> s.first_end END""",
    ),
    Invariant(
        "case_closed_with_consent_deadline",
        "cases_case",
        "case_close ends the end-of-consent deadline with the case (consent_deadline_follow), and nothing opens "
        "one on a closed case.",
        """SELECT DISTINCT k.id AS pk FROM cases_case k JOIN cases_deadline d ON d.case_id = k.id
           WHERE k.status = 'closed' AND d.kind = 'consent_expiry' AND d.completed_at IS NULL""",
    ),
    Invariant(
        "consent_of_no_guardian",
        "consent_consent",
        "consent_record: only the case's own guardians (or the child) consent, to parties of the team's area.",
        """SELECT c.id AS pk FROM consent_consent c JOIN cases_case k ON k.id = c.case_id
           LEFT JOIN cases_adult a ON a.id = c.adult_id
           WHERE (c.adult_id IS NOT NULL AND (a.case_id <> c.case_id OR NOT a.is_guardian))
              OR NOT EXISTS (SELECT 1 FROM consent_consent_parties p WHERE p.consent_id = c.id)
              OR EXISTS (SELECT 1 FROM consent_consent_parties p JOIN teams_team t ON t.id = k.team_id
                         JOIN teams_area ar ON ar.id = t.area_id
                         WHERE p.consent_id = c.id AND p.unit_id <> ar.health_centre_id AND NOT EXISTS (
                             SELECT 1 FROM teams_area_units au WHERE au.area_id = ar.id AND au.unit_id = p.unit_id))""",
    ),
]
