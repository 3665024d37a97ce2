"""The structure: regions, municipalities, units, areas and teams with their schedules, one
coordinator per team, and the process leaders the bench logs in as."""

from collections import Counter

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import User
from scale.generate.plan import UNIT_KINDS, Plan
from teams.models import ProcessLeaderScope, Profession

BENCH_REGION_EMAIL = "bench-region@example.invalid"
BENCH_MUNICIPALITY_EMAIL = "bench-municipality@example.invalid"

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


def structure_insert(run, cursor, plan: Plan, params: dict) -> None:
    """Regions, municipalities, four units and one area per team, teams with a schedule, one
    coordinator per team (who initiates, chairs and follows up all its cases) and the bench users.
    `run` is the Generation that counts the rows."""
    run.unnest(cursor, "teams_region", ["id", "name", "code"], "bigint text text", plan.regions)
    municipalities = [(*municipality[:4], "calendar") for municipality in plan.municipalities]
    columns = ["id", "region_id", "name", "code", "feedback_days"]
    run.unnest(cursor, "teams_municipality", columns, "bigint bigint text text text", municipalities)
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
    run.unnest(cursor, "teams_unit", columns, "bigint text text text bigint text text text", units)
    columns = ["id", "name", "municipality_id", "health_centre_id"]
    run.unnest(cursor, "teams_area", columns, "bigint text bigint bigint", areas)
    run.unnest(cursor, "teams_area_units", ["area_id", "unit_id"], "bigint bigint", area_units)
    run.unnest(cursor, "teams_team", ["id", "name", "is_active", "area_id"], "bigint text bool bigint", teams)
    cursor.execute(TEAM_TABLE)
    columns = ["team_id", "municipality_id", "region_id", "children", "cases", "case_base"]
    columns += ["health_centre_id", "preschool_id", "school_id", "social_id"]
    run.unnest(cursor, "scale_team", columns, " ".join(["bigint"] * len(columns)), team_rows, count=False)
    run.insert(cursor, "meetings_meetingschedule", SCHEDULES, params)
    run.insert(cursor, "accounts_user", COORDINATORS, params)
    cursor.execute(COORDINATOR_IDS, params)
    profession = Profession.objects.get_or_create(name="Specialpedagog")[0]
    run.insert(cursor, "teams_teammembership", MEMBERSHIPS, {"profession": profession.pk})
    run.rows["teams_processleaderscope"] += bench_users_create(plan)


def bench_users_create(plan: Plan) -> int:
    """The process leaders bench_dashboards logs in as, of the largest region and the largest
    municipality; returns how many scopes were made. No password, and a TOTP authenticator whose
    secret nobody keeps: the portal lets nobody in without two factors."""
    region_children = Counter()
    for _id, region, _name, _code, children in plan.municipalities:
        region_children[region] += children
    largest_municipality = max(plan.municipalities, key=lambda municipality: municipality[4])[0]
    scopes = 0
    for email, name, scope in (
        (BENCH_REGION_EMAIL, "Bench Regional", {"region_id": region_children.most_common(1)[0][0]}),
        (BENCH_MUNICIPALITY_EMAIL, "Bench Kommun", {"municipality_id": largest_municipality}),
    ):
        user = User.objects.filter(email=email).first() or User.objects.create_user(email, full_name=name)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        ProcessLeaderScope.objects.create(user=user, **scope)
        scopes += 1
    return scopes
