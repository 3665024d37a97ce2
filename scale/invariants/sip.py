"""The SIP: `sip.services` and `sip.selectors.sip_missing_parts` (the four parts the law requires)."""

from scale.invariants.check import Invariant

SIPS = [
    Invariant(
        "sip_established_without_its_parts",
        "sip_sip",
        "sip_establish and sip_update: an established plan has the efforts needed, the municipality and the "
        "region each with their responsibilities, the measures of others or a conscious none, and exactly "
        "one overall responsible principal with a named coordinator.",
        """SELECT s.id AS pk FROM sip_sip s
           LEFT JOIN LATERAL (
               SELECT bool_or(p.principal_type = 'municipality') AS municipality,
                      bool_or(p.principal_type = 'region') AS region,
                      bool_and(btrim(p.responsibilities) <> '') AS responsibilities,
                      count(*) FILTER (WHERE p.is_overall_responsible) AS overall,
                      bool_or(p.is_overall_responsible
                              AND (p.coordinator_id IS NOT NULL OR btrim(p.coordinator_name) <> '')) AS coordinator
               FROM sip_sipprincipal p WHERE p.sip_id = s.id) p ON true
           WHERE s.status <> 'draft' AND (
               btrim(s.efforts_needed) = '' OR (btrim(s.other_measures) <> '') = s.no_other_measures
               OR p.municipality IS NOT TRUE OR p.region IS NOT TRUE OR p.responsibilities IS NOT TRUE
               OR p.overall <> 1 OR p.coordinator IS NOT TRUE)""",
    ),
    Invariant(
        "sip_version_without_revision",
        "sip_sip",
        "sip_establish, sip_update, sip_end: every version of an established plan is kept as one revision.",
        """SELECT s.id AS pk FROM sip_sip s WHERE s.status <> 'draft' AND (
               SELECT count(*) FROM sip_siprevision r WHERE r.sip_id = s.id AND r.version BETWEEN 1 AND s.version
           ) <> s.version""",
    ),
]
