"""The persona walk: every URL pattern, filled with the objects of every case, as every persona.

The successor of tests/portal/test_urls.py (which pins exact statuses on one case). The world
(tests/portal/walk_world.py) has two teams in two municipalities of one region, a case in every consent
state, a protected child and a protected guardian, the same child in both teams, and thirteen
personas. Each persona asks for every path (tests/portal/walk_paths.py), and for each response the walk
asserts what an auditor would check:

- no server error;
- no child data where the documented rules forbid it (tests/portal/walk_oracle.py reads them from
  docs/security.md, never from access.policy): no case a persona may not know, nothing but the
  wind-up after a withdrawal or expiry, no protected details for users not named;
- a surface the rules refuse is refused (404 when the persona may not know the object, 403 when
  they may know it but not this), and another case's part under a case answers 404 and is logged
  as a denied read naming the part's child;
- every response that names a child or shows its identity number has an access-log entry written
  during that request (its X-Request-ID) naming that child, allowed or denied.

A second walk posts a crafted body to every form, once, as each persona who must not write there,
and asserts that it is refused and nothing in the database changed; a third shows that the same
bodies do write where the rules allow it. Violations are collected and reported together, one
assertion per persona, so a failure lists every URL, status and what leaked.
"""

import io
import logging
import re
from contextlib import nullcontext
from dataclasses import dataclass
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import resolve
from django.utils import translation
from pypdf import PdfReader

from access.models import AccessLogEntry, Outcome
from hlt.heartbeat import heartbeat_record
from tests.portal import walk_oracle as rules
from tests.portal.walk_paths import (
    FEEDBACK_NAMES,
    POST_ONLY,
    PUBLIC,
    Entry,
    crafted_body,
    entries,
    for_persona,
    form_entries,
    ours,
    routes,
)
from tests.portal.walk_world import PERSONAS, SPECS, World, build_world

pytestmark = pytest.mark.django_db

PDF_MODULES = ["consent.pdf", "sip.pdf", "meetings.pdf"]
DOCUMENT_MARK = b"%walk: the document's HTML, as WeasyPrint would print it\n"


def _document_source(template_name: str, context: dict) -> bytes:
    """Stands in for `hlt.pdf.render_pdf` during the walk: the HTML WeasyPrint would print, which
    holds everything the PDF says (and its markup). WeasyPrint takes most of a second a document
    and the walk asks for about a hundred; tests/consent/test_consent_pdf.py and the other PDF tests read
    real PDFs."""
    with translation.override("sv"):
        return DOCUMENT_MARK + render_to_string(template_name, context).encode()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> World:
    """Built once, in a transaction rolled back when the module is done; each test runs in a
    savepoint inside it, and each POST of a walk in one more, so no walk changes what another sees."""
    settings = override_settings(HLT_PRIVATE_DIR=tmp_path_factory.mktemp("private"))
    documents = [mock.patch(f"{module}.render_pdf", _document_source) for module in PDF_MODULES]
    settings.enable()
    for patch in documents:
        patch.start()
    # Every refusal is a warning with a traceback on django.request: thousands of them, on purpose.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            built = build_world()
            built.entries = list(entries(built))
            yield built
            transaction.set_rollback(True)
    finally:
        logging.getLogger("django.request").setLevel(logging.NOTSET)
        for patch in documents:
            patch.stop()
        settings.disable()


@pytest.fixture(autouse=True)
def _worker_and_beat_alive():
    """Readiness answers 503 without a recent heartbeat: the walk's deployment has a worker and beat."""
    heartbeat_record("worker")
    heartbeat_record("beat")


def test_it_walks_every_url_pattern_the_project_resolves(world):
    walked = {resolve(entry.path).route for entry in world.entries}

    assert set(routes()) - walked == set()


def test_it_has_a_case_in_every_consent_state_and_two_teams(world):
    states = {spec.state for spec in SPECS}
    assert states >= {"awaiting consent", "in force", "withdrawn", "expired", "expired, not swept", "closed"}
    assert world.teams["A"].area.municipality.region_id == world.teams["B"].area.municipality.region_id
    assert world.teams["A"].area.municipality_id != world.teams["B"].area.municipality_id
    # The world is what the specs say: the stored state agrees with the state each case was built in.
    for wc in world.cases.values():
        case, today = wc.case, world.today
        in_force = case.consent_in_force_until is not None and case.consent_in_force_until >= today
        assert in_force == (wc.spec.state == "in force"), wc.spec.key
        assert (case.status == "closed") == (wc.spec.state == "closed"), wc.spec.key


# --- What a response shows ----------------------------------------------------------------------


def _text(response) -> str:
    """The response as a person would read it: the page or the document, where a redirect leads,
    and the messages it leaves for the next page."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if content.startswith(DOCUMENT_MARK):
        return content.decode()
    if content_type.startswith("application/pdf"):
        try:
            return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
        except Exception:  # the uploaded signed form is a bare PDF header: nothing to read
            return ""
    if "spreadsheetml" in content_type:
        return ""  # figures only; the CSV export of the same figures is read
    text = content.decode("utf-8", errors="replace") + "\n" + response.get("Location", "")
    morsel = response.cookies.get("messages")
    if morsel is not None and morsel.value:
        messages = CookieStorage(HttpRequest())._decode(morsel.value) or []
        text += "\n" + "\n".join(str(message.message) for message in messages)
    return text


@dataclass
class Vocabulary:
    """Every case's tokens: what each is and the child it names (None for the rest), and one
    pattern that finds them in a page, each standing alone ("Brorik" inside a CSRF token is no child)."""

    about: dict
    pattern: re.Pattern

    def shown(self, text: str) -> set[str]:
        return set(self.pattern.findall(text))


@pytest.fixture(scope="module")
def vocabulary(world) -> Vocabulary:
    about = {}
    for wc in world.cases.values():
        key, tokens = wc.spec.key, wc.tokens
        for token in tokens.child_name:
            about[token] = (f"the child's name ({wc.spec.child})", wc.case.child_id)
        for token in tokens.child_idn:
            about[token] = (f"the child's identity number ({wc.spec.child})", wc.case.child_id)
        for token in tokens.guardian_names:
            about[token] = (f"a guardian's name ({key})", None)
        for token in tokens.other_names:
            about[token] = (f"another adult's name ({key})", None)
        for adult, contacts in tokens.contacts.items():
            protected = " protected" if adult in wc.protected_adults else ""
            for token in contacts:
                about[token] = (f"an adult's{protected} contact details ({key})", None)
        for token in tokens.school:
            about[token] = (f"the child's school ({key})", None)
        for token in tokens.text:
            about[token] = (f"the case's text ({key})", None)
        for token in tokens.plan:
            about[token] = (f"the plan or minutes ({key})", None)
    alternatives = "|".join(re.escape(token) for token in sorted(about, key=len, reverse=True))
    return Vocabulary(about=about, pattern=re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"))


def test_it_recognises_the_data_it_guards(client, world, vocabulary):
    # The walk sees only what its tokens spell: the case in force shows its initiator every kind,
    # in the page and in a document, and a colleague not named no protected detail.
    _log_in(client, world, "initiator")
    wc = world.cases["in_force"]
    page = vocabulary.shown(_text(client.get(f"/arenden/{wc.case.pk}/")))
    form = vocabulary.shown(
        _text(client.get(f"/arenden/{wc.case.pk}/vuxna/{wc.guardians[0].pk}/samtyckesblankett.pdf"))
    )
    _log_in(client, world, "colleague")
    protected = world.cases["protected_child"]
    hidden = vocabulary.shown(_text(client.get(f"/arenden/{protected.case.pk}/")))

    assert {vocabulary.about[token][0].split(" (")[0] for token in page} == {
        "the child's name",
        "the child's identity number",
        "a guardian's name",
        "another adult's name",
        "an adult's contact details",
        "the child's school",
        "the case's text",
        "the plan or minutes",
    }
    assert {*wc.tokens.child_name, wc.tokens.contacts[wc.guardians[0].pk][0], *wc.tokens.school} <= form
    assert set(protected.tokens.child_name) <= hidden
    assert hidden.isdisjoint({*protected.tokens.school, *sum(protected.tokens.contacts.values(), [])})


# --- The walk -------------------------------------------------------------------------------------


def _log_in(client, world: World, persona: str):
    client.raise_request_exception = False  # a server error is a finding, not the end of the walk
    client.logout()
    if persona != "anonymous":
        client.force_login(world.users[persona])


def _check(world, persona, entry, response, vocabulary) -> list[str]:
    """What is wrong with one response, in words."""
    status = response.status_code
    if status >= 500:
        return [f"server error {status}"]
    shown = vocabulary.shown(_text(response))
    expected = rules.Expected(set()) if persona == "anonymous" else rules.expected(world, persona, entry)
    problems = _access_problems(persona, entry, expected, response)
    leaked = shown - expected.allowed
    if leaked:
        problems.append("shows " + "; ".join(sorted(f"{vocabulary.about[t][0]}: {t!r}" for t in leaked)))
    problems += _log_problems(persona, entry, response, expected, shown, vocabulary)
    return problems


def _access_problems(persona: str, entry: Entry, expected, response) -> list[str]:
    status = response.status_code
    if entry.name in POST_ONLY and entry.method == "get":
        return [] if status in (302, 405) else [f"answered a GET with {status}"]
    if persona == "anonymous":
        to_login = status == 302 and response["Location"].startswith("/konto/login/")
        return [f"answered {status} without a login"] if entry.name in ours() - PUBLIC and not to_login else []
    if not (entry.case or entry.meeting):
        return []  # pages without a case or meeting name no child: tests/portal/test_urls.py pins their statuses
    if expected.refused is not None and status != expected.refused:
        return [f"answered {status} where the rules refuse it ({expected.refused})"]
    # A letter exists only once the minutes are closed: 404 for an item not yet discussed.
    if expected.refused is None and status in (403, 404) and entry.name != "meetings:letter":
        return [f"refused ({status}) where the rules allow it"]
    return []


def _log_problems(persona, entry, response, expected, shown, vocabulary) -> list[str]:
    request_id = response.get("X-Request-ID", "")
    logged = list(AccessLogEntry.objects.filter(request_id=request_id)) if request_id else []
    problems = []
    named = {vocabulary.about[t][1] for t in shown if vocabulary.about[t][1] is not None}
    for child_id in sorted(named - {e.child_id for e in logged}):
        problems.append(f"names child {child_id} without an access-log entry naming it")
    answered = response.status_code != 405  # refused by its method before anything was read
    denied = {e.child_id for e in logged if e.outcome == Outcome.DENIED}
    if expected.denied_child is not None and answered and expected.denied_child not in denied:
        problems.append(f"no denied access-log entry naming child {expected.denied_child}")
    if persona != "anonymous" and (entry.case or entry.meeting) and answered and not logged:
        problems.append("no access-log entry at all")
    return problems


def _walk(client, world, persona, walked, vocabulary, *, check) -> list[str]:
    """Ask for every entry; `check` is "reads" (what each response shows) or "writes" (that each
    crafted post is refused and changes nothing)."""
    violations = []
    for entry in walked:
        # A POST runs in a savepoint rolled back after the checks: an allowed empty POST may confirm
        # an action, and no request may change what the next one sees. (GETs write only the log.)
        with transaction.atomic() if entry.method == "post" else nullcontext():
            before = _snapshot() if check == "writes" else None
            body = {"data": crafted_body(world, entry)} if check == "writes" else {}
            response = getattr(client, entry.method)(entry.path, **body)
            problems = _check(world, persona, entry, response, vocabulary) if check == "reads" else []
            if before is not None:
                problems += _write_problems(response, before)
            if entry.method == "post":
                transaction.set_rollback(True)
        client.cookies.pop("messages", None)  # read above, with the response that left them
        violations += [f"{entry} → {response.status_code}: {problem}" for problem in problems]
    return violations


def _report(persona: str, violations: list[str], walked: int) -> str:
    lines = "\n  ".join(violations[:400])
    more = f"\n  … and {len(violations) - 400} more" if len(violations) > 400 else ""
    return f"{persona}: {len(violations)} violations in {walked} requests:\n  {lines}{more}"


def _telling(world: World, persona: str, entry: Entry) -> bool:
    """Whether the entry tells something about the persona that the others do not: another case's
    part (or another child's case to carry over from) under a case or meeting the persona may not
    know is refused for the case or meeting, as the same path with the case's own part shows."""
    if not entry.part_of or persona == "anonymous":
        return not entry.part_of
    if entry.meeting and entry.name not in FEEDBACK_NAMES:
        team = "B" if world.meetings[entry.meeting].team_id == world.teams["B"].pk else "A"
        return rules.meeting_role(persona, team) is not None
    return rules.knows(persona, world.cases[entry.case])


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_each_persona_only_what_the_rules_allow(client, world, vocabulary, persona):
    # Given a persona signed in (or not)
    _log_in(client, world, persona)
    walked = [entry for entry in for_persona(persona, world.entries) if _telling(world, persona, entry)]

    # When they ask for every path of the walk (POST-only views posted with an empty body)
    violations = _walk(client, world, persona, walked, vocabulary, check="reads")

    # Then no response failed, leaked, was let through or went unlogged
    assert violations == [], _report(persona, violations, len(walked))


# --- Writes -------------------------------------------------------------------------------------

_SNAPSHOT_APPS = {"cases", "consent", "meetings", "support", "sip", "teams", "accounts", "notifications"}


def _snapshot() -> tuple:
    """A digest of every row of every table holding case data or structure, in one query (not the
    access log, which every request writes to, nor sessions)."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in _SNAPSHOT_APPS and model._meta.managed and not model._meta.proxy
    )
    digest = "(SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t)"
    parts = ", ".join(digest.format(connection.ops.quote_name(table)) for table in tables)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + parts)  # table names from the models, quoted
        return tuple(zip(tables, cursor.fetchone(), strict=True))


def _write_problems(response, before) -> list[str]:
    changed = [table for (table, digest), (_, after) in zip(before, _snapshot(), strict=True) if digest != after]
    problems = [f"changed {', '.join(changed)}"] if changed else []
    location = response.get("Location", "")
    if response.status_code < 300 or (response.status_code == 302 and not location.startswith("/konto/login/")):
        problems.append("accepted a post the rules refuse")
    return problems


def _refused_forms(world: World, persona: str) -> list[Entry]:
    """Every form the persona must not post to, once: on an object they may know but not change
    (403) and on one they may not know (404), where the world has one of each."""
    chosen = {}
    # A closed case refuses most writes by itself: it is the object of last resort.
    closed = {key for key, wc in world.cases.items() if wc.spec.state == "closed"}
    for entry in sorted(form_entries(world), key=lambda entry: entry.case in closed):
        refusal = rules.refusal(world, persona, entry)
        if refusal is not None:
            chosen.setdefault((entry.name, refusal), entry)
    return list(chosen.values())


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_writes_nothing_for_a_persona_the_rules_refuse(client, world, vocabulary, persona):
    # Given a persona, and every form they must not post to
    _log_in(client, world, persona)
    refused = _refused_forms(world, persona)

    # When they post a crafted body to each
    violations = _walk(client, world, persona, refused, vocabulary, check="writes")

    # Then each is refused and no row of case data or structure changed
    assert violations == [], _report(persona, violations, len(refused))


# Forms whose crafted body writes when the rules allow it, and the table it writes to: the
# refusals above stop a real write.
POTENT = [
    ("cases:child_edit", "in_force", "initiator", "cases_child"),
    ("cases:close", "awaiting", "initiator", "cases_case"),
    ("cases:named", "in_force", "coordinator", "cases_casenameduser"),
    ("consent:adult_new", "in_force", "colleague", "cases_adult"),
    ("consent:adult_edit", "in_force", "colleague", "cases_adult"),
    ("consent:new", "awaiting", "initiator", "consent_consent"),
    ("consent:exception", "awaiting", "coordinator", "consent_consentexception"),
    ("consent:withdraw", "in_force", "colleague", "consent_consent"),
    ("meetings:cancel", "upcoming_a", "coordinator", "meetings_meeting"),
    ("meetings:attendance", "upcoming_a", "coordinator", "meetings_meeting"),
    ("meetings:addendum", "held_a", "colleague", "meetings_minutesaddendum"),
    ("meetings:agenda_lock", "upcoming_a", "coordinator", "meetings_meeting"),
    ("meetings:item", "upcoming_a", "colleague", "meetings_agendaitem"),
    ("meetings:feedback", "in_force", "initiator", "meetings_agendaitem"),
    ("support:intervention_new", "in_force", "colleague", "support_intervention"),
    ("support:intervention_status", "in_force", "colleague", "support_intervention"),
    ("support:follow_up_cancel", "withdrawn", "initiator", "support_followup"),
    ("sip:end", "in_force", "colleague", "sip_sip"),
]


@pytest.mark.parametrize("name, key, persona, table", POTENT)
def test_it_crafts_bodies_that_write_where_the_rules_allow(client, world, name, key, persona, table):
    entry = next(e for e in form_entries(world) if e.name == name and key in (e.case, e.meeting))
    _log_in(client, world, persona)
    before = dict(_snapshot())

    response = client.post(entry.path, crafted_body(world, entry))

    assert response.status_code == 302, entry
    assert dict(_snapshot())[table] != before[table], f"{entry}: the crafted body wrote nothing to {table}"
