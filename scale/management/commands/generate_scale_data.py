"""Build a synthetic national dataset on PostgreSQL for the dashboards' benchmark (`make bench`).

21 regions and 290 municipalities of Zipf-like size, one HLT team per area (about 2,000), and by
default 1,000,000 children with 1,500,000 cases over five years ending today, each with its
meeting, agenda item, feedback deadline, interventions, follow-up and SIP as the services would
have written them. Python plans only the structure (a few thousand rows); the database makes every
other row (INSERT ... SELECT over generate_series), all in one transaction, so a failure leaves
nothing behind. Chance is a hash of a row's number and --seed: a seed gives the same data (as seen
from today).

Identity numbers are reserve numbers of the made-up issuer SCALE, never a personnummer, real or
from Skatteverket's test series. No consent rows are made, nothing here reads them: each case's
`consent_in_force_until` says how long its consent lasts, as the consent services would.
"""

import datetime
import random
import time
import zoneinfo
from collections import Counter
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Child, Deadline
from meetings.models import AgendaItem, InterventionType, Meeting, MeetingSchedule
from sip.models import Sip, SipPrincipal, SipRevision
from support.models import FollowUp, Intervention
from teams.models import Area, Municipality, ProcessLeaderScope, Profession, Region, Team, TeamMembership, Unit

ISSUER = "SCALE"
USER_DOMAIN = "scale.invalid"
BENCH_REGION_EMAIL = "bench-region@example.invalid"
BENCH_MUNICIPALITY_EMAIL = "bench-municipality@example.invalid"
REGIONS = 21
MUNICIPALITIES = 290
LARGEST_MUNICIPALITY_SHARE = 0.05
CAPITAL_REGION_SHARE = 0.22  # the largest municipality's region, as Stockholm's
CHILDREN_PER_TEAM = 500
MAX_TEAMS = 2000
CASES_PER_CHILD = 1.5
MIN_CHILDREN = 1000  # fewer would leave the smallest municipalities without children
MEETING_MONTHS_AHEAD = 6  # as HLT_MEETING_MONTHS_AHEAD
FIRST_NAMES = ["Alva", "Elsa", "Maja", "Alice", "Wilma", "Saga", "Astrid", "Noah", "Hugo", "Liam", "Elias", "Nils"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Berg"]
UNIT_KINDS = [  # each area's units: (name, kind, sector, principal)
    ("Vårdcentral", "health_centre", "health", "region"),
    ("Förskola", "preschool", "learning", "municipality"),
    ("Skola", "school", "learning", "municipality"),
    ("Socialtjänst", "social_services", "safety", "municipality"),
]
# Every table the command fills. --force empties them; CASCADE also empties what refers to them
# (consent, timelines, notifications, the dashboards' summary), all generated or derived too.
GENERATED = [
    Region, Municipality, Unit, Area, Area.units.through, Team, TeamMembership, ProcessLeaderScope,
    MeetingSchedule, Meeting, Child, Case, Deadline, AgendaItem, Intervention, FollowUp, Sip, SipPrincipal, SipRevision,
]  # fmt: skip


@dataclass
class TeamPlan:
    id: int
    municipality: int
    region: int
    name: str
    area_name: str
    children: int
    cases: int = 0


@dataclass
class Plan:
    regions: list[tuple[int, str, str]]  # id, name, code
    municipalities: list[tuple[int, int, str, str, int]]  # id, region, name, code, children
    teams: list[TeamPlan]


def apportion(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, in whole numbers that add up (largest remainder)."""
    exact = [weight * total / sum(weights) for weight in weights]
    counts = [int(share) for share in exact]
    by_remainder = sorted(range(len(exact)), key=lambda index: exact[index] - counts[index], reverse=True)
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def zipf_weights(count: int, largest_share: float) -> list[float]:
    """Weights 1/rank^s, with s such that the first holds `largest_share` of the sum."""
    low, high = 0.0, 3.0
    for _ in range(60):
        exponent = (low + high) / 2
        weights = [rank**-exponent for rank in range(1, count + 1)]
        low, high = (exponent, high) if 1 / sum(weights) < largest_share else (low, exponent)
    return weights


def plan_country(children: int, seed: int) -> Plan:
    """Regions of consecutive municipalities (the first, with the largest, holds about 22 % of the
    children), municipalities of Zipf-like size, and areas (one team each) in proportion to size."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, repeatable by design
    ranked = zipf_weights(MUNICIPALITIES, LARGEST_MUNICIPALITY_SHARE)
    sizes = [ranked[0], *rng.sample(ranked[1:], MUNICIPALITIES - 1)]
    capital, held = 0, 0.0
    while held < CAPITAL_REGION_SHARE * sum(sizes):
        held += sizes[capital]
        capital += 1
    bounds = [0, capital, *sorted(rng.sample(range(capital + 1, MUNICIPALITIES), REGIONS - 2)), MUNICIPALITIES]
    child_counts = apportion(children, sizes)
    area_counts = apportion(min(MAX_TEAMS, max(MUNICIPALITIES, round(children / CHILDREN_PER_TEAM))), sizes)

    regions, municipalities, teams = [], [], []
    for region_index in range(REGIONS):
        region_code = f"{region_index + 1:02d}"
        regions.append((region_index + 1, f"Skalregion {region_code}", region_code))
        for number, index in enumerate(range(bounds[region_index], bounds[region_index + 1]), start=1):
            code = f"{region_code}{number:02d}"
            municipalities.append((index + 1, region_index + 1, f"Skalkommun {code}", code, child_counts[index]))
            spread = [rng.uniform(0.6, 1.4) for _ in range(max(1, area_counts[index]))]
            for area, area_children in enumerate(apportion(child_counts[index], spread), start=1):
                teams.append(
                    TeamPlan(
                        id=len(teams) + 1,
                        municipality=index + 1,
                        region=region_index + 1,
                        name=f"HLT {code}-{area:03d}",
                        area_name=f"Område {code}-{area:03d}",
                        children=area_children,
                    )
                )
    case_counts = apportion(round(children * CASES_PER_CHILD), [team.children for team in teams])
    for team, cases in zip(teams, case_counts, strict=True):
        team.cases = cases
    return Plan(regions, municipalities, teams)


def functions_sql(seed: int) -> str:
    """Session helpers, each one immutable SQL expression so that the planner inlines it (a call
    that is not inlined costs ~10 µs, minutes over millions of rows). Only integers from the command
    line and the settings are formatted in."""
    salt = int(seed) * 1000
    tz = str(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    hour = int(settings.HLT_REMINDER_HOUR)
    reminders = [
        f"((due - {int(days)}) + time '{hour:02d}:00') AT TIME ZONE '{tz}'"
        for days in sorted(settings.HLT_FEEDBACK_REMINDER_DAYS, reverse=True)
    ]
    steps = ", ".join([*reminders, f"(due + 1)::timestamp AT TIME ZONE '{tz}'"])
    return f"""
    -- A uniform number in [0, 1) from a row's key and a stream number: repeatable chance.
    CREATE OR REPLACE FUNCTION pg_temp.u(key bigint, stream int) RETURNS float8 LANGUAGE sql IMMUTABLE AS
    $$ SELECT (hashint8extended(key, stream::bigint + {salt}) & 4503599627370495)::float8 / 4503599627370496 $$;
    -- Every team meets on the second Monday to Friday (by team id) of the month.
    CREATE OR REPLACE FUNCTION pg_temp.meeting_day(team bigint, month date) RETURNS date LANGUAGE sql IMMUTABLE AS
    $$ SELECT month + (mod(mod(team, 5)::int - extract(isodow FROM month)::int + 8, 7) + 7) $$;
    -- The first meeting whose agenda (closing 7 days before) a case ready on `ready` reaches; none in July.
    CREATE OR REPLACE FUNCTION pg_temp.meeting_month(team bigint, ready date) RETURNS date LANGUAGE sql IMMUTABLE AS
    $$ SELECT CASE
        WHEN extract(month FROM ready) <> 7
             AND pg_temp.meeting_day(team, date_trunc('month', ready::timestamp)::date) - 7 >= ready
        THEN date_trunc('month', ready::timestamp)::date
        WHEN extract(month FROM ready) <> 6 THEN (date_trunc('month', ready::timestamp) + interval '1 month')::date
        ELSE (date_trunc('month', ready::timestamp) + interval '2 months')::date END $$;
    -- `count` months on, or one more to skip July.
    CREATE OR REPLACE FUNCTION pg_temp.months_later(month date, count int) RETURNS date LANGUAGE sql IMMUTABLE AS
    $$ SELECT (month + make_interval(months => count
                      + (extract(month FROM month + make_interval(months => count)) = 7)::int))::date $$;
    -- cases.deadlines.deadline_steps: the reminders, then overdue at the end of the due day.
    CREATE OR REPLACE FUNCTION pg_temp.deadline_steps(due date) RETURNS timestamptz[] LANGUAGE sql IMMUTABLE AS
    $$ SELECT ARRAY[{steps}] $$;
    -- Ids from text casts that are immutable (a date's text depends on DateStyle, its number does not).
    CREATE OR REPLACE FUNCTION pg_temp.meeting_id(team bigint, month date) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    $$ SELECT md5('{salt}:meeting:' || team::text || ':' || (month - date '2000-01-01')::text)::uuid $$;
    CREATE OR REPLACE FUNCTION pg_temp.case_id(n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS
    $$ SELECT md5('{salt}:case:' || n::text)::uuid $$;
    """  # noqa: S608


TEAM_TABLE = """
CREATE TEMP TABLE scale_team (
    team_id bigint PRIMARY KEY, municipality_id bigint, region_id bigint, children bigint, cases bigint,
    case_base bigint, health_centre_id bigint, preschool_id bigint, school_id bigint, social_id bigint,
    child_base bigint, coordinator_id bigint
) ON COMMIT DROP
"""

SCHEDULES = """
INSERT INTO meetings_meetingschedule (team_id, week_of_month, weekday, start_time, end_time, place,
    agenda_cutoff_days, holiday_rule, paused_months, is_active)
SELECT team_id, 2, mod(team_id, 5), time '13:00', time '15:30', 'Skaldata, rum 1', 7, 'move', '7', true
FROM scale_team
"""

COORDINATORS = """
INSERT INTO accounts_user (password, is_superuser, email, full_name, phone, is_active, is_staff, date_joined)
SELECT '!' || md5(random()::text), false, 'samordnare-' || t.team_id || '@' || %(domain)s, 'Samordnare ' || tm.name,
       '', true, false, now()
FROM scale_team t JOIN teams_team tm ON tm.id = t.team_id
ON CONFLICT (email) DO NOTHING
"""

COORDINATOR_IDS = """
UPDATE scale_team t SET coordinator_id = u.id FROM accounts_user u
WHERE u.email = 'samordnare-' || t.team_id || '@' || %(domain)s
"""

MEMBERSHIPS = """
INSERT INTO teams_teammembership (team_id, user_id, profession_id, home_unit_id, role, created_at)
SELECT team_id, coordinator_id, %(profession)s, social_id, 'coordinator', now() FROM scale_team
"""

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

# One row per case with its whole story, decided up front so that every table agrees. `k` numbers
# a team's cases in time order; `slot` is the child within the team: with 1.5 cases per child,
# child j has case j and, for the first half of the children, case j + children three years later.
# MATERIALIZED computes each stage once: inlined, the later stages would repeat the earlier
# expressions dozens of times per row.
STAGE_CASES = """
CREATE TEMP TABLE scale_case ON COMMIT DROP AS
WITH ready AS MATERIALIZED (
    -- Every guardian's consent takes days, sometimes weeks.
    SELECT b.*, b.initiated_on + least(45, floor(-4 * ln(1 - pg_temp.u(b.n, 2))))::int AS ready_on
    FROM (
        SELECT t.team_id, g.k, t.case_base + g.k + 1 AS n, mod(g.k, t.children) AS slot,
               %(start)s::date + floor((g.k + pg_temp.u(t.case_base + g.k + 1, 1)) * %(span)s / t.cases)::int
                   AS initiated_on
        FROM scale_team t CROSS JOIN LATERAL generate_series(0, t.cases - 1) AS g(k)
    ) b
), meeting AS MATERIALIZED (
    SELECT r.*, pg_temp.case_id(r.n) AS case_id, pg_temp.meeting_month(r.team_id, r.ready_on) AS meeting_month
    FROM ready r
), feedback AS MATERIALIZED (
    -- The family hears from the team after an exponential delay with a mean of 5 days from the meeting
    -- (three in four within the 7 days); one family in 33 never does.
    SELECT m.*, d.meeting_day, d.meeting_day < %(today)s AS discussed,
           m.ready_on <= %(today)s AND pg_temp.u(m.n, 3) >= 0.2 AS on_agenda,
           (d.meeting_day + time '15:30') AT TIME ZONE %(tz)s AS meeting_end,
           CASE WHEN d.meeting_day < %(today)s AND pg_temp.u(m.n, 5) >= 0.03 AND f.at <= %(now)s THEN f.at END
               AS feedback_at
    FROM meeting m
    CROSS JOIN LATERAL (SELECT pg_temp.meeting_day(m.team_id, m.meeting_month) AS meeting_day) d
    CROSS JOIN LATERAL (SELECT (d.meeting_day + time '13:00') AT TIME ZONE %(tz)s
                               + least(90, -5 * ln(1 - pg_temp.u(m.n, 4))) * interval '1 day' AS at) f
), follow_up AS MATERIALIZED (
    -- Half the cases get a follow-up, at the HLT meeting three months on or with the family; most are
    -- held on the day, some late, one in 12 is cancelled three days before.
    SELECT f.*, (f.feedback_at AT TIME ZONE %(tz)s)::date AS feedback_on,
           CASE WHEN f.discussed THEN width_bucket(pg_temp.u(f.n, 6), ARRAY[0.2, 0.55, 0.85]) ELSE 0 END
               AS interventions,
           p.has_follow_up, p.follow_up_at_meeting, p.follow_up_month, d.follow_up_on,
           CASE WHEN p.has_follow_up AND NOT p.cancelled AND d.follow_up_on + p.late < %(today)s
                THEN d.follow_up_on + p.late END AS follow_up_held_on,
           CASE WHEN p.has_follow_up AND p.cancelled AND d.follow_up_on - 3 < %(today)s
                THEN d.follow_up_on - 3 END AS follow_up_cancelled_on
    FROM feedback f
    CROSS JOIN LATERAL (
        SELECT f.discussed AND pg_temp.u(f.n, 7) < 0.5 AS has_follow_up,
               pg_temp.u(f.n, 8) < 0.6 AS follow_up_at_meeting,
               pg_temp.months_later(f.meeting_month, 3) AS follow_up_month,
               pg_temp.u(f.n, 10) < 0.08 AS cancelled,
               CASE WHEN pg_temp.u(f.n, 11) < 0.8 THEN 0 ELSE 1 + floor(pg_temp.u(f.n, 12) * 14)::int END AS late
    ) p
    CROSS JOIN LATERAL (
        SELECT CASE WHEN p.follow_up_at_meeting THEN pg_temp.meeting_day(f.team_id, p.follow_up_month)
                    ELSE f.meeting_day + 30 + floor(pg_temp.u(f.n, 9) * 60)::int END AS follow_up_on
    ) d
), closing AS (
    -- A case closes once the feedback is given, its follow-up done and the support has run its course.
    SELECT f.*, c.follow_up_done_on,
           CASE WHEN f.feedback_at IS NOT NULL AND (NOT f.has_follow_up OR c.follow_up_done_on IS NOT NULL)
                 AND c.close_on < %(today)s THEN c.close_on END AS closed_on
    FROM follow_up f
    CROSS JOIN LATERAL (
        SELECT coalesce(f.follow_up_held_on, f.follow_up_cancelled_on) AS follow_up_done_on,
               greatest(f.feedback_on + 20 + least(520, floor(-160 * ln(1 - pg_temp.u(f.n, 13))))::int,
                        coalesce(f.follow_up_held_on, f.follow_up_cancelled_on) + 1) AS close_on
    ) c
)
SELECT c.*,
       CASE WHEN NOT c.discussed THEN CASE WHEN c.ready_on > %(today)s THEN 'awaiting_consent'
                                           WHEN c.on_agenda THEN 'on_agenda' ELSE 'ready' END
            WHEN c.feedback_at IS NULL THEN 'discussed'
            WHEN c.closed_on IS NOT NULL THEN 'closed'
            WHEN c.interventions > 0 OR c.has_follow_up THEN 'support_ongoing'
            ELSE 'feedback_given' END AS status,
       CASE WHEN c.follow_up_held_on IS NOT NULL THEN (c.follow_up_held_on + time '16:00') AT TIME ZONE %(tz)s
            WHEN c.follow_up_cancelled_on IS NOT NULL
            THEN (c.follow_up_cancelled_on + time '10:00') AT TIME ZONE %(tz)s END AS follow_up_done_at,
       CASE WHEN c.feedback_at IS NOT NULL AND pg_temp.u(c.n, 14) < 0.06
             AND c.feedback_on + 14 + floor(pg_temp.u(c.n, 15) * 45)::int < coalesce(c.closed_on, %(today)s)
            THEN c.feedback_on + 14 + floor(pg_temp.u(c.n, 15) * 45)::int END AS sip_on
FROM closing c
"""

# One open case per child and team: when a child's earlier case is still open (its feedback never
# came), its later case goes to a child whose only case is closed, or to a new child.
MOVE_LATER_CASES = """
WITH blocked AS (
    SELECT a.team_id, a.k + t.children AS later_k, row_number() OVER (PARTITION BY a.team_id ORDER BY a.k) AS rn
    FROM scale_case a JOIN scale_team t USING (team_id)
    WHERE a.status <> 'closed' AND a.k + t.children < t.cases
), free AS (
    SELECT s.team_id, s.slot, row_number() OVER (PARTITION BY s.team_id ORDER BY s.k) AS rn
    FROM scale_case s JOIN scale_team t USING (team_id)
    WHERE s.status = 'closed' AND s.k >= t.cases - t.children AND s.k < t.children
), free_count AS (
    SELECT team_id, count(*) AS free FROM free GROUP BY team_id
), moves AS (
    SELECT b.team_id, b.later_k, coalesce(f.slot, t.children + b.rn - coalesce(fc.free, 0) - 1) AS slot
    FROM blocked b JOIN scale_team t USING (team_id)
    LEFT JOIN free f USING (team_id, rn) LEFT JOIN free_count fc USING (team_id)
)
UPDATE scale_case c SET slot = m.slot FROM moves m WHERE c.team_id = m.team_id AND c.k = m.later_k
"""

CHILD_BASES = """
UPDATE scale_team t SET child_base = s.base
FROM (SELECT team_id, sum(slots) OVER (ORDER BY team_id) - slots AS base
      FROM (SELECT team_id, max(slot) + 1 AS slots FROM scale_case GROUP BY team_id) x) s
WHERE t.team_id = s.team_id
"""

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
    eligibility_exception, status, status_changed_at, consent_in_force_until, consent_reminder_for, closed_on,
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
       CASE WHEN c.status <> 'awaiting_consent' THEN c.ready_on + 365 END, NULL, c.closed_on,
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
       false
FROM scale_case c JOIN scale_team t USING (team_id)
JOIN cases_child ch ON ch.id = t.child_base + c.slot + 1
CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.u(c.n, 20) < 0.35 THEN 'health'
                                WHEN pg_temp.u(c.n, 20) < 0.8 THEN 'learning' ELSE 'safety' END AS sector) s
"""

# The sweep's state as it would be by now: the steps whose time has passed are taken (a met
# deadline took those before it was met), an open one waits for its next step.
DEADLINES = """
INSERT INTO cases_deadline (id, case_id, kind, responsible_id, due_date, due_at, next_step, next_step_at,
    completed_at, completed_by_id, created_at)
SELECT d.id, c.case_id, d.kind, t.coordinator_id, d.due_date, d.steps[cardinality(d.steps)],
       (SELECT count(*) FROM unnest(d.steps) AS step WHERE step <= coalesce(d.completed_at, %(now)s)),
       CASE WHEN d.completed_at IS NULL THEN (SELECT min(step) FROM unnest(d.steps) AS step WHERE step > %(now)s) END,
       d.completed_at, CASE WHEN d.completed_at IS NOT NULL THEN t.coordinator_id END, c.meeting_end
FROM scale_case c JOIN scale_team t USING (team_id)
CROSS JOIN LATERAL (
    SELECT c.n AS id, 'feedback' AS kind, c.meeting_day + 7 AS due_date, c.feedback_at AS completed_at,
           pg_temp.deadline_steps(c.meeting_day + 7) AS steps
    WHERE c.discussed
    UNION ALL
    SELECT %(cases)s + c.n, 'follow_up', c.follow_up_on, c.follow_up_done_at, pg_temp.deadline_steps(c.follow_up_on)
    WHERE c.has_follow_up
) d
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

FOREIGN_KEYS = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid::regclass::text, conname
"""

# Indexes that back no constraint (primary keys and unique constraints stay: others refer to them).
PLAIN_INDEXES = """
SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i
WHERE indrelid = ANY(%s::regclass[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)
ORDER BY 1
"""

# (table, statement) in foreign-key order, all made from scale_case.
CASE_TABLES = [
    ("cases_child", CHILDREN),
    ("cases_case", CASES),
    ("cases_deadline", DEADLINES),
    ("meetings_agendaitem", AGENDA_ITEMS),
    ("support_intervention", INTERVENTIONS),
    ("support_followup", FOLLOW_UPS),
    ("sip_sip", SIPS),
    ("sip_sipprincipal", SIP_PRINCIPALS),
    ("sip_siprevision", SIP_REVISIONS),
]


class Command(BaseCommand):
    help = "Build a synthetic national dataset on PostgreSQL for the dashboards' benchmark (make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=1_000_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force", action="store_true", help="Empty the generated tables first (refused if anything is not ours)."
        )
        parser.add_argument(
            "--unless-generated", action="store_true", help="Do nothing when the database holds generated data."
        )

    def handle(self, *args, children, years, seed, force, unless_generated, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_scale_data needs PostgreSQL: set DATABASE_URL.")
        if children < MIN_CHILDREN or not 1 <= years <= 16 or not 0 <= seed < 2**31:
            raise CommandError(f"Give --children {MIN_CHILDREN} or more, --years 1-16 and --seed 0-2147483647.")
        if unless_generated and Child.objects.filter(reserve_issuer=ISSUER).exists():
            self.stdout.write("The database holds generated data already: nothing to do.")
            return
        self.rows = Counter()
        started = time.perf_counter()
        today = timezone.localdate()
        first_day = _years_before(today, years)
        plan = plan_country(children, seed)
        params = {
            "tz": settings.TIME_ZONE,
            "today": today,
            "now": timezone.now(),
            "start": first_day,
            "span": (today - first_day).days + 1,
            "first_month": first_day.replace(day=1),
            "last_month": _months_after(today.replace(day=1), MEETING_MONTHS_AHEAD),
            "cases": sum(team.cases for team in plan.teams),  # follow-up rows' ids come after the cases'
            "issuer": ISSUER,
            "domain": USER_DOMAIN,
            "first_names": FIRST_NAMES,
            "last_names": LAST_NAMES,
            "intervention_types": list(
                InterventionType.objects.filter(is_active=True).order_by("position").values_list("pk", flat=True)
            ),
        }
        with transaction.atomic(), connection.cursor() as cursor:
            self._refuse_unless_empty(cursor, force)
            # Room to sort and hash millions of rows (and build indexes) in memory, and no JIT:
            # compiling these long expressions takes LLVM minutes. SET LOCAL ends with the transaction.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(functions_sql(seed))
            foreign_keys, indexes = self._drop_foreign_keys_and_indexes(cursor)
            with self._step("structure and users"):
                self._structure(cursor, plan, params)
            with self._step("meetings"):
                self._insert(cursor, "meetings_meeting", MEETINGS, params)
            with self._step("case plan (temporary table)"):
                cursor.execute(STAGE_CASES, params)
                cursor.execute(MOVE_LATER_CASES)
                cursor.execute(CHILD_BASES)
            for table, sql in CASE_TABLES:
                with self._step(table):
                    self._insert(cursor, table, sql, params)
            with self._step("indexes"):
                for _name, definition in indexes:
                    cursor.execute(definition)
            with self._step("foreign keys (checked)"):
                for table, name, definition in foreign_keys:
                    cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
            self._reset_sequences(cursor)
        self.stdout.write(f"{'committed':<32} {time.perf_counter() - started:8.1f} s")
        self._finish()
        self.stdout.write(f"{'total':<32} {time.perf_counter() - started:8.1f} s")
        self._report()

    def _refuse_unless_empty(self, cursor, force: bool) -> None:
        if not force:
            if Case.objects.exists() or Region.objects.exists():
                raise CommandError(
                    "The database already holds regions or cases. Use an empty database, or --force to empty the "
                    "generated tables first."
                )
            return
        if Child.objects.exclude(reserve_issuer=ISSUER).exists():
            raise CommandError("--force empties only generated data, and this database holds other children.")
        with self._step("truncate"):
            tables = ", ".join(quote(model._meta.db_table) for model in GENERATED)
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")

    def _drop_foreign_keys_and_indexes(self, cursor) -> tuple[list, list]:
        """Drop the generated tables' foreign keys and plain indexes; they come back before the commit.

        Django's foreign keys are checked row by row at COMMIT (minutes for ten million rows, and a
        queue of as many events in memory) where adding a key back checks all rows in one join; an
        index built once from sorted rows costs a fraction of keeping it up to date row by row.
        """
        tables = [[model._meta.db_table for model in GENERATED]]
        cursor.execute(FOREIGN_KEYS, tables)
        foreign_keys = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        cursor.execute(PLAIN_INDEXES, tables)
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        return foreign_keys, indexes

    def _structure(self, cursor, plan: Plan, params: dict) -> None:
        """Regions, municipalities, four units and one area per team, teams with a schedule, one
        coordinator per team (who initiates, chairs and follows up all its cases) and the bench users."""
        self._unnest(cursor, "teams_region", ["id", "name", "code"], "bigint text text", plan.regions)
        municipalities = [(*municipality[:4], "calendar") for municipality in plan.municipalities]
        columns = ["id", "region_id", "name", "code", "feedback_days"]
        self._unnest(cursor, "teams_municipality", columns, "bigint bigint text text text", municipalities)
        units, areas, area_units, teams, team_rows, case_base = [], [], [], [], [], 0
        for team in plan.teams:
            ids = [4 * team.id - 3 + offset for offset in range(len(UNIT_KINDS))]
            suffix = team.name.removeprefix("HLT ")
            for unit_id, (label, kind, sector, principal) in zip(ids, UNIT_KINDS, strict=True):
                units.append((unit_id, f"{label} {suffix}", kind, sector, team.municipality, principal, "", ""))
            areas.append((team.id, team.area_name, team.municipality, ids[0]))
            area_units.extend((team.id, unit_id) for unit_id in ids[1:])
            teams.append((team.id, team.name, True, team.id))
            team_rows.append((team.id, team.municipality, team.region, team.children, team.cases, case_base, *ids))
            case_base += team.cases
        columns = ["id", "name", "kind", "sector", "municipality_id", "principal_type", "provider_name", "hsa_id"]
        self._unnest(cursor, "teams_unit", columns, "bigint text text text bigint text text text", units)
        columns = ["id", "name", "municipality_id", "health_centre_id"]
        self._unnest(cursor, "teams_area", columns, "bigint text bigint bigint", areas)
        self._unnest(cursor, "teams_area_units", ["area_id", "unit_id"], "bigint bigint", area_units)
        self._unnest(cursor, "teams_team", ["id", "name", "is_active", "area_id"], "bigint text bool bigint", teams)
        cursor.execute(TEAM_TABLE)
        columns = ["team_id", "municipality_id", "region_id", "children", "cases", "case_base"]
        columns += ["health_centre_id", "preschool_id", "school_id", "social_id"]
        self._unnest(cursor, "scale_team", columns, " ".join(["bigint"] * len(columns)), team_rows, count=False)
        self._insert(cursor, "meetings_meetingschedule", SCHEDULES, params)
        self._insert(cursor, "accounts_user", COORDINATORS, params)
        cursor.execute(COORDINATOR_IDS, params)
        profession = Profession.objects.get_or_create(name="Specialpedagog")[0]
        self._insert(cursor, "teams_teammembership", MEMBERSHIPS, {"profession": profession.pk})
        self._bench_users(plan)

    def _bench_users(self, plan: Plan) -> None:
        """The process leaders bench_dashboards logs in as, of the largest region and the largest
        municipality. No password, and a TOTP authenticator whose secret nobody keeps: the portal
        lets nobody in without two factors."""
        region_children = Counter()
        for _id, region, _name, _code, children in plan.municipalities:
            region_children[region] += children
        largest_municipality = max(plan.municipalities, key=lambda municipality: municipality[4])[0]
        for email, name, scope in (
            (BENCH_REGION_EMAIL, "Bench Regional", {"region_id": region_children.most_common(1)[0][0]}),
            (BENCH_MUNICIPALITY_EMAIL, "Bench Kommun", {"municipality_id": largest_municipality}),
        ):
            user = User.objects.filter(email=email).first() or User.objects.create_user(email, full_name=name)
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, generate_totp_secret())
            ProcessLeaderScope.objects.create(user=user, **scope)
            self.rows["teams_processleaderscope"] += 1

    def _unnest(self, cursor, table: str, columns: list[str], types: str, rows: list[tuple], count=True) -> None:
        """Insert a few thousand rows planned in Python as one statement (one array per column)."""
        arrays = ", ".join(f"%s::{type_}[]" for type_ in types.split())
        sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"  # noqa: S608 - our names
        cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        if count:
            self.rows[table] += cursor.rowcount

    def _insert(self, cursor, table: str, sql: str, params: dict) -> None:
        cursor.execute(sql, params)
        self.rows[table] += cursor.rowcount

    def _reset_sequences(self, cursor) -> None:
        """Rows above were given their ids; each identity continues after the highest."""
        for model in GENERATED:
            if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField"):
                table = quote(model._meta.db_table)
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) FROM {table}",  # noqa: S608
                    [model._meta.db_table],
                )

    def _finish(self) -> None:
        """Statistics for the planner, then the summary the dashboards read. Outside a transaction
        (not in the tests) VACUUM too, so that index-only scans need not visit the heap."""
        analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with self._step(analyze.lower()), connection.cursor() as cursor:
            cursor.execute(analyze)
        rebuild = _summary_rebuild()
        if rebuild is None:
            self.stdout.write("dashboards.services.summary_rebuild does not exist yet: no summary built.")
            return
        with self._step("summary_rebuild"):
            rebuild()
        with self._step(f"{analyze.lower()} (summary)"), connection.cursor() as cursor:
            cursor.execute(analyze)

    def _report(self) -> None:
        self.stdout.write(f"\n{'table':<32} {'rows':>12} {'size':>10}")
        with connection.cursor() as cursor:
            for table, rows in sorted(self.rows.items()):
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                self.stdout.write(f"{table:<32} {rows:>12,} {cursor.fetchone()[0] / 2**20:>7.1f} MB")

    def _step(self, name: str) -> "_Timed":
        return _Timed(self, name)


class _Timed:
    """Prints how long a step took and, when it inserted rows, how many."""

    def __init__(self, command: Command, name: str):
        self.command, self.name = command, name

    def __enter__(self):
        self.started, self.rows = time.perf_counter(), sum(self.command.rows.values())

    def __exit__(self, exc_type, *exc_info):
        if exc_type is None:
            rows = sum(self.command.rows.values()) - self.rows
            counted = f"{rows:>12,} rows" if rows else ""
            self.command.stdout.write(f"{self.name:<32} {time.perf_counter() - self.started:8.1f} s {counted}")
            self.command.stdout.flush()


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _summary_rebuild():
    """dashboards.services.summary_rebuild, or None while the dashboards do not have it."""
    try:
        from dashboards import services
    except ModuleNotFoundError as error:
        if error.name != "dashboards.services":
            raise
        return None
    return getattr(services, "summary_rebuild", None)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _months_after(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)
