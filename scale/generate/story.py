"""Each case's whole story, decided once in a temporary table (`scale_case`) that every table's rows come from."""

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
), plan AS (
    -- One case in 17 whose feedback is given gets a SIP two weeks to two months later, before it closes;
    -- the guardian's consent lasts as consent.services.default_valid_until says, from the day it came.
    SELECT c.*,
           CASE WHEN c.feedback_at IS NOT NULL AND pg_temp.u(c.n, 14) < 0.06
                 AND c.feedback_on + 14 + floor(pg_temp.u(c.n, 15) * 45)::int < coalesce(c.closed_on, %(today)s)
                THEN c.feedback_on + 14 + floor(pg_temp.u(c.n, 15) * 45)::int END AS sip_on,
           (c.ready_on + make_interval(months => %(consent_months)s))::date - 1 AS consent_until
    FROM closing c
)
SELECT c.*,
       -- Support is ongoing once there is an intervention or an established SIP; a follow-up alone
       -- does not move the case on.
       CASE WHEN NOT c.discussed THEN CASE WHEN c.ready_on > %(today)s THEN 'awaiting_consent'
                                           WHEN c.on_agenda THEN 'on_agenda' ELSE 'ready' END
            WHEN c.feedback_at IS NULL THEN 'discussed'
            WHEN c.closed_on IS NOT NULL THEN 'closed'
            WHEN c.interventions > 0 OR c.sip_on IS NOT NULL THEN 'support_ongoing'
            ELSE 'feedback_given' END AS status,
       CASE WHEN c.follow_up_held_on IS NOT NULL THEN (c.follow_up_held_on + time '16:00') AT TIME ZONE %(tz)s
            WHEN c.follow_up_cancelled_on IS NOT NULL
            THEN (c.follow_up_cancelled_on + time '10:00') AT TIME ZONE %(tz)s END AS follow_up_done_at
FROM plan c
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
