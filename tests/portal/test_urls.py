"""Every URL pattern, walked as every persona.

Our own views must appear in EXPECTED with a status per persona: a new view without an entry
fails here, so no page escapes the access policy. Admin and allauth pages must not fail (no 500).

Case pages are walked on the `case` fixture: initiated by `member`, consent not yet in force, so
only the initiator and the team's coordinator may know it exists.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from access.models import AccessLogEntry, LogAction, Outcome
from cases.deadlines import deadline_open
from cases.models import CaseStatus, DeadlineKind
from consent.services import consent_record, default_valid_until
from hlt.heartbeat import heartbeat_record
from meetings.models import AgendaItem, InterventionType, ItemState, MeetingStatus
from support.models import FollowUp, FollowUpKind, Intervention
from teams.models import PrincipalType
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "member", "colleague", "coordinator", "outsider", "process_leader", "regional_leader", "admin"]
_ALL_OK = dict.fromkeys(PERSONAS, 200)
_LOGIN_FIRST = {**_ALL_OK, "anonymous": 302}
_NOT_IN_A_TEAM = dict.fromkeys(["process_leader", "regional_leader", "admin"], 403)
# The case before consent: its initiator (member) and the team's coordinator know it; nobody else does.
_CASE_PAGE = {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "member": 200, "coordinator": 200}
_COORDINATOR_ONLY = {**_CASE_PAGE, "member": 403}
_CASE_REDIRECTED = {**_CASE_PAGE, "member": 302, "coordinator": 302}
# A meeting of `team`: its members see it, nobody else may know it exists; the coordinator manages it.
_TEAM_MEETING = {**dict.fromkeys(PERSONAS, 404), "anonymous": 302, "member": 200, "colleague": 200, "coordinator": 200}
_MEETING_COORDINATOR = {**_TEAM_MEETING, "member": 403, "colleague": 403}
_TEAM_REDIRECTED = dict.fromkeys(["member", "colleague", "coordinator"], 302)
# The agenda item of the case before consent: like the case page, its colleague may not know it.
_ITEM_PAGE = {**_TEAM_MEETING, "colleague": 404}
_POST_ONLY = {**dict.fromkeys(PERSONAS, 405), "anonymous": 302}
# Statistics: the process leaders and the team's coordinator follow figures; each scope reaches
# down, never up or sideways, and a unit out of scope is not found. Nobody else has statistics.
_NO_STATISTICS = dict.fromkeys(["member", "colleague", "outsider", "admin"], 404)
_TEAM_STATISTICS = {
    **_NO_STATISTICS,
    "anonymous": 302,
    "coordinator": 200,
    "process_leader": 200,
    "regional_leader": 200,
}
_MUNICIPAL_STATISTICS = {**_TEAM_STATISTICS, "coordinator": 404}
# Log review: only log reviewers, and none of these personas is one (tests/test_log_review.py has them).
_NO_LOG_REVIEW = {**dict.fromkeys(PERSONAS, 403), "anonymous": 302}

# url name -> (path builder taking the `targets` namespace, {persona: status})
EXPECTED = {
    "home": (lambda t: "/", _LOGIN_FIRST),
    "accessibility": (lambda t: "/tillganglighet/", _ALL_OK),
    "session_keepalive": (lambda t: "/session/keepalive/", dict.fromkeys(PERSONAS, 405)),  # POST only
    # For load balancers: no login, no MFA set-up first; readiness with the worker's and beat's heartbeats.
    "health_live": (lambda t: "/health/live/", _ALL_OK),
    "health_ready": (lambda t: "/health/ready/", _ALL_OK),
    "teams:detail": (
        lambda t: f"/team/{t.team.pk}/",
        {**_LOGIN_FIRST, "outsider": 404, "admin": 404},
    ),
    "notifications:inbox": (lambda t: "/notiser/", _LOGIN_FIRST),
    # The list shows only what the policy lets each user see, so it opens for everyone signed in.
    "cases:list": (lambda t: "/arenden/", _LOGIN_FIRST),
    # Only team members start cases (the search would tell anyone else whose number it is).
    "cases:new": (lambda t: "/arenden/ny/", {**_LOGIN_FIRST, **_NOT_IN_A_TEAM}),
    # Step two without a search in the session sends the user back to step one.
    "cases:new_details": (
        lambda t: "/arenden/ny/uppgifter/",
        {**dict.fromkeys(PERSONAS, 302), **_NOT_IN_A_TEAM},
    ),
    "audit:home": (lambda t: "/loggkontroll/", _NO_LOG_REVIEW),
    "audit:child_log": (lambda t: "/loggkontroll/barn/", _NO_LOG_REVIEW),
    "audit:user_log": (lambda t: "/loggkontroll/anvandare/", _NO_LOG_REVIEW),
    "audit:review_new": (lambda t: "/loggkontroll/granskningar/ny/", _NO_LOG_REVIEW),
    "audit:review": (lambda t: "/loggkontroll/granskningar/1/", _NO_LOG_REVIEW),
    "audit:item_result": (lambda t: "/loggkontroll/granskningar/1/poster/1/", _NO_LOG_REVIEW),
    "audit:report": (lambda t: "/loggkontroll/granskningar/1/rapport.pdf", _NO_LOG_REVIEW),
    "cases:detail": (lambda t: f"/arenden/{t.case.pk}/", _CASE_PAGE),
    "cases:child_edit": (lambda t: f"/arenden/{t.case.pk}/barn/", _CASE_PAGE),
    "cases:close": (lambda t: f"/arenden/{t.case.pk}/avsluta/", _CASE_PAGE),
    "cases:named": (lambda t: f"/arenden/{t.case.pk}/namngivna/", _COORDINATOR_ONLY),
    "cases:unname": (  # POST only
        lambda t: f"/arenden/{t.case.pk}/namngivna/{t.colleague.pk}/ta-bort/",
        {**dict.fromkeys(PERSONAS, 405), "anonymous": 302},
    ),
    "consent:adult_new": (lambda t: f"/arenden/{t.case.pk}/vuxna/ny/", _CASE_PAGE),
    "consent:adult_edit": (lambda t: f"/arenden/{t.case.pk}/vuxna/{t.guardian.pk}/", _CASE_PAGE),
    "consent:form_pdf": (lambda t: f"/arenden/{t.case.pk}/vuxna/{t.guardian.pk}/samtyckesblankett.pdf", _CASE_PAGE),
    "consent:new": (lambda t: f"/arenden/{t.case.pk}/samtycke/nytt/", _CASE_PAGE),
    "consent:exception": (lambda t: f"/arenden/{t.case.pk}/samtycke/undantag/", _COORDINATOR_ONLY),
    "consent:withdraw": (lambda t: f"/arenden/{t.case.pk}/samtycke/{t.consent.pk}/aterkalla/", _CASE_PAGE),
    "consent:document": (lambda t: f"/arenden/{t.case.pk}/samtycke/{t.consent.pk}/dokument/", _CASE_PAGE),
    # Carrying over from the child's earlier (closed) case of the same team, which its initiator sees.
    "consent:carry_over": (lambda t: f"/arenden/{t.case.pk}/hamta/{t.earlier_case.pk}/", _CASE_PAGE),
    # Meetings: the list shows each user their own teams' meetings, so it opens for everyone signed in.
    "meetings:list": (lambda t: "/moten/", _LOGIN_FIRST),
    "meetings:detail": (lambda t: f"/moten/{t.meeting.pk}/", _TEAM_MEETING),
    "meetings:ics": (lambda t: f"/moten/{t.meeting.pk}/hlt-mote.ics", _TEAM_MEETING),
    "meetings:move": (lambda t: f"/moten/{t.meeting.pk}/flytta/", _MEETING_COORDINATOR),
    "meetings:cancel": (lambda t: f"/moten/{t.meeting.pk}/stall-in/", _MEETING_COORDINATOR),
    "meetings:attendance": (lambda t: f"/moten/{t.meeting.pk}/narvaro/", _MEETING_COORDINATOR),
    "meetings:close": (lambda t: f"/moten/{t.meeting.pk}/stang/", _MEETING_COORDINATOR),
    # Addenda belong to closed minutes: on an open meeting the page sends the user back to it.
    "meetings:addendum": (lambda t: f"/moten/{t.meeting.pk}/tillagg/", {**_TEAM_MEETING, **_TEAM_REDIRECTED}),
    "meetings:agenda_lock": (lambda t: f"/moten/{t.meeting.pk}/dagordning/las/", _POST_ONLY),
    "meetings:item_reorder": (lambda t: f"/moten/{t.meeting.pk}/dagordning/{t.item.pk}/ordning/", _POST_ONLY),
    # An agenda item names a child: the case policy decides (the case before consent, see above).
    "meetings:item": (lambda t: f"/moten/{t.meeting.pk}/dagordning/{t.item.pk}/", _ITEM_PAGE),
    "meetings:item_remove": (lambda t: f"/moten/{t.meeting.pk}/dagordning/{t.item.pk}/ta-bort/", _ITEM_PAGE),
    "meetings:minutes": (
        lambda t: f"/moten/{t.meeting.pk}/dagordning/{t.item.pk}/protokoll/",
        {**_MEETING_COORDINATOR, "member": 403},
    ),
    # A case without consent in force cannot go on an agenda: those who see it are sent back to it.
    "meetings:agenda_add": (
        lambda t: f"/arenden/{t.case.pk}/dagordning/",
        {**_CASE_PAGE, "member": 302, "coordinator": 302},
    ),
    "meetings:calendar": (lambda t: "/kalender/", _LOGIN_FIRST),
    # The token is the login of a calendar feed; an unknown one is not found, whoever asks.
    "meetings:feed": (lambda t: "/kalender/okand-nyckel.ics", dict.fromkeys(PERSONAS, 404)),
    "meetings:my_feedback": (lambda t: "/aterkopplingar/", _LOGIN_FIRST),
    # Recording feedback is for the contact person (member) and the coordinator.
    "meetings:feedback": (lambda t: f"/aterkopplingar/{t.discussed_item.pk}/", _CASE_PAGE),
    "meetings:letter": (lambda t: f"/aterkopplingar/{t.discussed_item.pk}/brev.pdf", _CASE_PAGE),
    # Support: the case has not been discussed yet, so adding to its plan sends those who see it back.
    "support:intervention_new": (lambda t: f"/arenden/{t.case.pk}/insatser/ny/", _CASE_REDIRECTED),
    "support:from_meeting": (lambda t: f"/arenden/{t.case.pk}/insatser/fran-motet/", _CASE_REDIRECTED),
    "support:intervention": (lambda t: f"/arenden/{t.case.pk}/insatser/{t.intervention.pk}/", _CASE_PAGE),
    "support:intervention_status": (
        lambda t: f"/arenden/{t.case.pk}/insatser/{t.intervention.pk}/status/",
        _CASE_PAGE,
    ),
    # Only a done intervention is evaluated.
    "support:intervention_evaluate": (
        lambda t: f"/arenden/{t.case.pk}/insatser/{t.intervention.pk}/utvardering/",
        _CASE_REDIRECTED,
    ),
    "support:follow_up_new": (lambda t: f"/arenden/{t.case.pk}/uppfoljningar/ny/", _CASE_REDIRECTED),
    "support:follow_up": (lambda t: f"/arenden/{t.case.pk}/uppfoljningar/{t.follow_up.pk}/", _CASE_PAGE),
    "support:follow_up_cancel": (
        lambda t: f"/arenden/{t.case.pk}/uppfoljningar/{t.follow_up.pk}/avboka/",
        _CASE_PAGE,
    ),
    # The SIP: the case has none yet, so the pages that need one send those who see it to the SIP page.
    "sip:detail": (lambda t: f"/arenden/{t.case.pk}/sip/", _CASE_PAGE),
    "sip:new": (lambda t: f"/arenden/{t.case.pk}/sip/ny/", _CASE_PAGE),
    "sip:edit": (lambda t: f"/arenden/{t.case.pk}/sip/andra/", _CASE_REDIRECTED),
    "sip:establish": (lambda t: f"/arenden/{t.case.pk}/sip/faststall/", _CASE_REDIRECTED),
    "sip:end": (lambda t: f"/arenden/{t.case.pk}/sip/avsluta/", _CASE_REDIRECTED),
    "sip:history": (lambda t: f"/arenden/{t.case.pk}/sip/historik/", _CASE_REDIRECTED),
    "sip:pdf": (lambda t: f"/arenden/{t.case.pk}/sip/plan.pdf", _CASE_REDIRECTED),
    "sip:invitation": (lambda t: f"/arenden/{t.case.pk}/sip/kallelse.pdf", _CASE_REDIRECTED),
    # Each persona with statistics has exactly one unit, so the index sends them to its dashboard.
    "dashboards:index": (
        lambda t: "/statistik/",
        {
            **dict.fromkeys(_NO_STATISTICS, 403),
            **dict.fromkeys(["anonymous", "coordinator", "process_leader", "regional_leader"], 302),
        },
    ),
    "dashboards:dashboard": (lambda t: f"/statistik/team/{t.team.pk}/", _TEAM_STATISTICS),
    "dashboards:export": (
        lambda t: f"/statistik/kommun/{t.team.area.municipality_id}/export.csv",
        _MUNICIPAL_STATISTICS,
    ),
}
THIRD_PARTY_PREFIXES = ("admin:", "set_language", "account_", "mfa_", "socialaccount_", "usersessions_", "openid_")


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _case_url_names(resolver=None, namespace="", prefix=""):
    """The names of our URL patterns whose path holds a case id."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _case_url_names(entry, inner, route)
        elif isinstance(entry, URLPattern) and entry.name and "<uuid:case_id>" in route:
            yield f"{namespace}{entry.name}"


CASE_URLS = sorted(_case_url_names())
POST_ONLY = {"cases:unname"}


@pytest.fixture
def targets(team, case, colleague, private_dir):
    """What the path builders point at: the team, the case, a guardian, and one guardian's consent
    with a signed form (the other guardian has not consented, so the consent is not in force)."""
    guardian = case.adults.get(first_name="Anna")
    units = list(team.area.units.all()) or [case.initiator_unit]
    team.area.units.add(*units)
    today = timezone.localdate()
    consent = consent_record(
        case=case,
        actor=case.initiator,
        adult=guardian,
        parties=units,
        categories=["category_school"],
        valid_from=today,
        valid_until=default_valid_until(today),
        method="paper",
        document=SimpleUploadedFile("underskrift.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        today=today,
    )
    # Upcoming, and over a month after the held meeting below: one meeting per team and month.
    meeting = MeetingFactory(team=team, day=today + timedelta(days=35))
    item = AgendaItem.objects.create(meeting=meeting, case=case, added_by=case.initiator)
    # An earlier meeting discussed the case: its contact person (member) owes the family feedback.
    held = MeetingFactory(team=team, day=today - timedelta(days=2), status=MeetingStatus.CLOSED)
    deadline = deadline_open(case=case, kind=DeadlineKind.FEEDBACK, responsible=case.initiator, due_date=today)
    discussed_item = AgendaItem.objects.create(
        meeting=held,
        case=case,
        added_by=case.initiator,
        state=ItemState.DISCUSSED,
        contact_person=case.initiator,
        deadline=deadline,
    )
    intervention = Intervention.objects.create(
        case=case,
        intervention_type=InterventionType.objects.first(),
        principal=PrincipalType.MUNICIPALITY,
        responsible_unit=case.initiator_unit,
        start_date=today,
        created_by=case.initiator,
    )
    follow_up = FollowUp.objects.create(
        case=case,
        kind=FollowUpKind.FAMILY_MEETING,
        planned_on=today + timedelta(days=30),
        responsible=case.initiator,
        created_by=case.initiator,
    )
    earlier_case = CaseFactory(
        child=case.child,
        team=team,
        initiator=case.initiator,
        initiator_unit=case.initiator_unit,
        status=CaseStatus.CLOSED,
        closed_on=today - timedelta(days=400),
    )
    return SimpleNamespace(
        earlier_case=earlier_case,
        intervention=intervention,
        follow_up=follow_up,
        team=team,
        case=case,
        guardian=guardian,
        consent=consent,
        colleague=colleague,
        meeting=meeting,
        item=item,
        discussed_item=discussed_item,
    )


def test_it_has_an_expectation_for_every_view_of_ours():
    ours = {name for name, _ in _named_patterns() if not name.startswith(THIRD_PARTY_PREFIXES)}
    assert ours == set(EXPECTED), "add the new view to EXPECTED with a status for every persona"


@pytest.mark.parametrize("url_name", sorted(EXPECTED))
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_every_persona_as_expected(client, personas, targets, url_name, persona):
    build, statuses = EXPECTED[url_name]
    heartbeat_record("worker")
    heartbeat_record("beat")
    if persona != "anonymous":
        client.force_login(personas[persona])

    response = client.get(build(targets))

    assert response.status_code == statuses[persona]


def test_it_walks_every_case_page_it_knows():
    # Given the URL patterns whose path holds a case id, when the log test below is parametrized,
    # then it covers every one of them.
    assert {"cases:detail", "consent:document", "consent:form_pdf", "cases:unname"} <= set(CASE_URLS)
    assert set(CASE_URLS) <= set(EXPECTED)


@pytest.mark.parametrize("url_name", CASE_URLS)
@pytest.mark.parametrize("persona", PERSONAS[1:])  # anonymous visitors are sent to log in first
def test_it_logs_every_case_page_request_with_its_outcome_and_child(client, personas, targets, url_name, persona):
    # Given a signed-in persona
    user = personas[persona]
    client.force_login(user)
    path = EXPECTED[url_name][0](targets)

    # When they ask for the case page (a POST-only action is posted)
    response = client.post(path) if url_name in POST_ONLY else client.get(path)

    # Then one entry records the outcome and names the child by internal id, allowed or denied, so the
    # child's log extract shows every attempt
    entry = AccessLogEntry.objects.get(user_id=user.pk, object_type="cases.case", object_id=str(targets.case.pk))
    assert entry.child_id == targets.case.child_id
    if response.status_code in (200, 302):
        assert entry.outcome == Outcome.ALLOWED
    else:
        assert response.status_code in (403, 404)
        assert entry.outcome == Outcome.DENIED


@pytest.mark.parametrize("persona", PERSONAS[1:])  # anonymous visitors are sent to log in first
def test_it_logs_every_team_page_request_with_its_outcome(client, personas, team, persona):
    user = personas[persona]
    client.force_login(user)

    response = client.get(f"/team/{team.pk}/")

    entry = AccessLogEntry.objects.get(user_id=user.pk, object_type="teams.team")
    assert entry.outcome == (Outcome.ALLOWED if response.status_code == 200 else Outcome.DENIED)
    assert entry.object_id == str(team.pk)


# The dashboards' URLs in EXPECTED -> what each request's access-log entry names.
DASHBOARD_LOGS = {
    "dashboards:dashboard": (LogAction.VIEW, "dashboards.team", lambda t: t.team.pk),
    "dashboards:export": (LogAction.EXPORT, "dashboards.municipality", lambda t: t.team.area.municipality_id),
}


@pytest.mark.parametrize("url_name", sorted(DASHBOARD_LOGS))
@pytest.mark.parametrize("persona", PERSONAS[1:])  # anonymous visitors are sent to log in first
def test_it_logs_every_dashboard_request_with_its_outcome_and_unit(client, personas, targets, url_name, persona):
    user = personas[persona]
    client.force_login(user)
    action, object_type, unit_id = DASHBOARD_LOGS[url_name]

    response = client.get(EXPECTED[url_name][0](targets))

    entry = AccessLogEntry.objects.get(user_id=user.pk, object_type__startswith="dashboards.")
    assert (entry.action, entry.object_type, entry.object_id) == (action, object_type, str(unit_id(targets)))
    assert entry.outcome == (Outcome.ALLOWED if response.status_code == 200 else Outcome.DENIED)


def _mount_point(name: str) -> str:
    if name.startswith("admin:"):
        return "/admin/"
    if name == "set_language":
        return "/i18n/"
    return "/konto/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_serves_every_parameterless_third_party_page_without_error(client, personas, persona):
    if persona != "anonymous":
        client.force_login(personas[persona])
    for name, pattern in _named_patterns():
        route = str(pattern.pattern)
        if name.startswith(THIRD_PARTY_PREFIXES) and "<" not in route and "(?P" not in route:
            url = _mount_point(name) + route.lstrip("^").rstrip("$")
            assert client.get(url).status_code < 500, url


def test_it_opens_every_admin_list_and_add_page_for_an_administrator(client, admin_user):
    client.force_login(admin_user)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/").status_code == 200, opts.label
        expected = 200 if model_admin.has_add_permission(_Request(admin_user)) else 403
        assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/").status_code == expected, opts.label


class _Request:
    def __init__(self, user):
        self.user = user
