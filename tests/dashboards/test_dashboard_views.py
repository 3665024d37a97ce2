"""The dashboards' pages and exports, as their users and an auditor meet them.

Scope: each user sees the units their scope reaches, down and never up or sideways, and a
tampered URL answers 404 without a word about the unit. Privacy: figures only, small counts as
"<5", no child's name, number or case link. The exports hold exactly the page's tables, with text
that a spreadsheet cannot run. The page costs the same queries for 1 unit or 20.
"""

import csv
import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from openpyxl import load_workbook

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import Case, CaseStatus, ClosureReason
from dashboards.periods import Period, add_months
from dashboards.perturbation import Cell
from dashboards.selectors import LEVELS, dashboard_key, summary_state
from dashboards.services import summary_refresh
from dashboards.tasks import summary_refresh_task
from tests.factories import (
    AreaFactory,
    CaseFactory,
    ChildFactory,
    ManagementFactory,
    MunicipalityFactory,
    RegionFactory,
    ScopeFactory,
    TeamFactory,
    UserFactory,
)
from tests.feedback_helpers import closed_meeting, discussed_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

FORMATS = ["csv", "xlsx"]


# --- Building the figures ------------------------------------------------------------------------
def add_cases(team, count: int, *, initiator=None, discussed: int = 0, closed: int = 0) -> list[Case]:
    """`count` cases of `team` started today; the first `discussed` of them discussed at the team's
    meeting a week ago, the last `closed` closed today with the family's experience scored 4."""
    initiator = initiator or UserFactory()
    cases = [CaseFactory(team=team, initiator=initiator) for _ in range(count)]
    if discussed:
        meeting = closed_meeting(team, day=timezone.localdate() - datetime.timedelta(days=7))
        for case in cases[:discussed]:
            discussed_item(case, contact=initiator, meeting=meeting)
    for case in cases[count - closed :]:
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.CLOSED,
            closed_on=timezone.localdate(),
            closure_reason=ClosureReason.NEEDS_MET,
            family_experience=4,
        )
    return cases


def url(level: str, unit, fmt: str | None = None, query: str = "") -> str:
    path = f"/statistik/{level}/{unit.pk}/" + (f"export.{fmt}" if fmt else "")
    return f"{path}?{query}" if query else path


def this_year() -> str:
    """The query of this calendar year: a period the dashboards offer that includes today."""
    first = timezone.localdate().replace(month=1, day=1)
    return Period(first, add_months(first, 11)).query


def entries(user, **fields):
    return AccessLogEntry.objects.filter(user_id=user.pk, **fields)


# --- Reading what the user gets ------------------------------------------------------------------
class _PageTables(HTMLParser):
    """The text of every cell of the page's figure tables (`id="table-<slug>"`), row by row, and
    the table headings."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.titles: dict[str, str] = {}
        self._rows = self._row = self._text = self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (attrs.get("id") or "").startswith("table-"):
            self._rows = self.tables.setdefault(attrs["id"].removeprefix("table-"), [])
        elif tag == "tr" and self._rows is not None:
            self._row = []
            self._rows.append(self._row)
        elif tag in ("th", "td") and self._row is not None:
            self._text = []
        elif tag == "h2" and (attrs.get("id") or "").endswith("-heading"):
            self._heading, self._text = attrs["id"].removesuffix("-heading"), []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._row is not None and self._text is not None:
            self._row.append("".join(self._text).strip())
            self._text = None
        elif tag == "h2" and self._heading is not None:
            self.titles[self._heading] = "".join(self._text).strip()
            self._heading = self._text = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def page_tables(response) -> _PageTables:
    parser = _PageTables()
    parser.feed(response.content.decode())
    return parser


def csv_sections(content: bytes) -> list[list[list[str]]]:
    """The CSV's sections (separated by blank lines): the first holds the title, each other a table."""
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    sections: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"):
        if row:
            sections[-1].append(row)
        else:
            sections.append([])
    return sections


def xlsx_sheets(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets


def main_text(response) -> str:
    """The page's own content, without the site navigation (whose "Cases" link is /arenden/)."""
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def without_tokens(html: str) -> str:
    """The page without its CSRF tokens, which differ from one response to the next."""
    return re.sub(r'name="(csrfmiddlewaretoken" value|csrf-token" content)="[^"]*"', "", html)


# --- 1. Scope ------------------------------------------------------------------------------------
@pytest.fixture
def umea_figures(team, region):
    """Umeå's figures: seven cases of "HLT Ålidhem" started, six discussed, summary refreshed."""
    add_cases(team, 7, discussed=6)
    summary_refresh()


@pytest.fixture
def asele_leader(other_team):
    return ScopeFactory(municipality=other_team.area.municipality, user__full_name="Åke Åselechef").user


def _umea_units(team, region):
    return [("kommun", team.area.municipality), ("team", team), ("omrade", team.area), ("region", region)]


UMEA_WORDS = ["Umeå", "HLT Ålidhem", "Ålidhem", "Västerbotten"]


@pytest.mark.parametrize("fmt", [None, *FORMATS])
def test_it_hides_umea_from_a_local_leader_in_asele_whatever_the_url_says(
    client, asele_leader, team, region, umea_figures, fmt
):
    # Given Åsele's process leader, who may see Åsele and its teams only
    client.force_login(asele_leader)
    for level, unit in _umea_units(team, region):
        # When they edit the URL to point at Umeå, its team, its area or the region
        response = client.get(url(level, unit, fmt))

        # Then the answer is "not found", and says nothing about the unit or its figures
        assert response.status_code == 404, (level, fmt)
        body = response.content.decode()
        for word in UMEA_WORDS:
            assert word not in body, (level, fmt, word)
        assert 'id="table-' not in body
        # (the very page a unit that does not exist gets, but for the path in the language form)
        missing = url(level, type(unit)(pk=unit.pk + 10_000), fmt)
        unknown = client.get(missing).content.decode().replace(missing, url(level, unit, fmt))
        assert without_tokens(body) == without_tokens(unknown), "as if the unit did not exist"


def test_it_shows_the_local_leader_in_asele_their_own_municipality_area_and_team(client, asele_leader, other_team):
    client.force_login(asele_leader)

    for level, unit in [("kommun", other_team.area.municipality), ("omrade", other_team.area), ("team", other_team)]:
        assert client.get(url(level, unit)).status_code == 200, level


@pytest.mark.parametrize("fmt", [None, *FORMATS])
def test_it_logs_each_refused_unit_as_denied_with_its_type_and_id(client, asele_leader, team, region, fmt):
    client.force_login(asele_leader)
    action = LogAction.EXPORT if fmt else LogAction.VIEW
    models = {"kommun": "municipality", "team": "team", "omrade": "area", "region": "region"}

    for level, unit in _umea_units(team, region):
        client.get(url(level, unit, fmt))

        entry = entries(asele_leader, object_type=f"dashboards.{models[level]}").get()
        assert (entry.object_id, entry.action, entry.outcome) == (str(unit.pk), action, Outcome.DENIED)


def test_it_shows_the_regional_leader_the_region_both_municipalities_and_their_teams(
    client, regional_leader, region, team, other_team
):
    client.force_login(regional_leader)
    units = [
        ("region", region),
        ("kommun", team.area.municipality),
        ("kommun", other_team.area.municipality),
        ("omrade", team.area),
        ("omrade", other_team.area),
        ("team", team),
        ("team", other_team),
    ]

    for level, unit in units:
        response = client.get(url(level, unit))

        assert response.status_code == 200, (level, unit.name)
        assert f"Statistics for {unit.name}" in response.content.decode()


def test_it_shows_a_coordinator_their_own_team_only(client, coordinator, team, other_team, region):
    client.force_login(coordinator)

    assert client.get(url("team", team)).status_code == 200
    for level, unit in [
        ("omrade", team.area),
        ("kommun", team.area.municipality),
        ("region", region),
        ("team", other_team),
    ]:
        assert client.get(url(level, unit)).status_code == 404, level


def test_it_shows_a_management_group_member_their_area_and_its_teams(client, team, other_team, region):
    # Given a manager in the management group of Ålidhem's area, which has a second team
    manager = ManagementFactory(area=team.area).user
    second = TeamFactory(name="HLT Ålidhem Norra", area=team.area)
    client.force_login(manager)

    # Then they see the area and both its teams, and nothing above or beside it
    for level, unit in [("omrade", team.area), ("team", team), ("team", second)]:
        assert client.get(url(level, unit)).status_code == 200, unit.name
    for level, unit in [
        ("kommun", team.area.municipality),
        ("region", region),
        ("omrade", other_team.area),
        ("team", other_team),
    ]:
        assert client.get(url(level, unit)).status_code == 404, unit.name


# --- 2. Privacy ----------------------------------------------------------------------------------
@pytest.fixture
def known_child_case(team, region):
    """One case whose child has a name and number we can look for, discussed and closed, among
    four other cases of the team; the summary refreshed."""
    child = ChildFactory(first_name="Vilgot", last_name="Zacharisson")
    initiator = UserFactory()
    case = CaseFactory(team=team, child=child, initiator=initiator)
    today = timezone.localdate()
    # In this calendar year (THIS_YEAR), which the dashboards offer as a period.
    meeting = closed_meeting(team, day=max(today - datetime.timedelta(days=7), today.replace(month=1, day=1)))
    discussed_item(case, contact=initiator, meeting=meeting)
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_on=timezone.localdate(), closure_reason=ClosureReason.MOVED
    )
    add_cases(team, 4, initiator=initiator)
    summary_refresh()
    return case


def _child_traces(case) -> list[str]:
    child = case.child
    number = child.identity_number
    return [
        child.first_name,
        child.last_name,
        number,
        f"{number[:8]}-{number[8:]}",
        f"{number[2:8]}-{number[8:]}",
        child.identity_display,
        str(case.pk),
        f"/arenden/{case.pk}",
    ]


@pytest.mark.parametrize(("level", "of_team"), [("team", lambda t: t), ("kommun", lambda t: t.area.municipality)])
def test_it_shows_no_child_on_the_page(client, process_leader, team, known_child_case, level, of_team):
    client.force_login(process_leader)

    response = client.get(url(level, of_team(team)))

    assert response.status_code == 200
    body = response.content.decode()
    for trace in _child_traces(known_child_case):
        assert trace not in body, trace
    assert "/arenden/" not in main_text(response), "no link to a case from the figures"


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_puts_no_child_in_the_exports(client, process_leader, team, known_child_case, fmt):
    client.force_login(process_leader)

    response = client.get(url("kommun", team.area.municipality, fmt))

    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8")
    else:
        text = "\n".join(
            str(value)
            for sheet in xlsx_sheets(response.content)
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    for trace in _child_traces(known_child_case):
        assert trace not in text, trace
    assert "/arenden/" not in text


def test_it_shows_a_small_count_as_less_than_five(client, process_leader, team, known_child_case):
    # Given one closed case (and five started) in the team
    client.force_login(process_leader)

    # When the process leader opens the team's dashboard for this year
    response = client.get(url("team", team, query=this_year()))

    # Then each figure is its true count adjusted by its records' keys: the five cases started, the
    # single closure and the single child discussed (mostly "<5", never their true 1)
    overview = dict((row[0], row[1]) for row in page_tables(response).tables["oversikt"][1:])
    keys = sum(Case.objects.filter(team=team).values_list("record_key", flat=True))
    case = Case.objects.select_related("child").get(pk=known_child_case.pk)
    assert overview["Cases started"] == Cell.of(5, keys, 5).display(5)
    assert overview["Cases closed"] == Cell.of(1, case.record_key, 5).display(5) != "1"
    assert overview["Children discussed"] == Cell.of(1, case.child.record_key, 5).display(5) != "1"
    closures = {row[0]: row[1] for row in page_tables(response).tables["closure"][1:]}
    assert closures["The family moved"] == overview["Cases closed"], "the same records, the same figure"
    assert set(closures.values()) - {closures["The family moved"]} <= {"<5"}, "no closure: shown as <5"


def test_it_shows_less_than_five_in_the_csv_too(client, process_leader, team, known_child_case):
    client.force_login(process_leader)

    response = client.get(url("team", team, "csv", this_year()))

    overview = next(s for s in csv_sections(response.content) if s[0] == ["Key figures"])
    case = Case.objects.select_related("child").get(pk=known_child_case.pk)
    assert ["Cases closed", Cell.of(1, case.record_key, 5).display(5)] in overview
    assert ["Children discussed", Cell.of(1, case.child.record_key, 5).display(5)] in overview


# --- 3. Access log -------------------------------------------------------------------------------
def test_it_logs_one_view_for_an_allowed_page(client, process_leader, team):
    client.force_login(process_leader)
    municipality = team.area.municipality

    client.get(url("kommun", municipality))

    entry = entries(process_leader).get()
    assert (entry.action, entry.outcome, entry.object_type, entry.object_id) == (
        LogAction.VIEW,
        Outcome.ALLOWED,
        "dashboards.municipality",
        str(municipality.pk),
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_logs_one_export_for_an_allowed_download(client, process_leader, team, fmt):
    client.force_login(process_leader)

    client.get(url("team", team, fmt))

    entry = entries(process_leader).get()
    assert (entry.action, entry.outcome, entry.object_type, entry.object_id, entry.team_id) == (
        LogAction.EXPORT,
        Outcome.ALLOWED,
        "dashboards.team",
        str(team.pk),
        team.pk,
    )


# --- 4. Bad input --------------------------------------------------------------------------------
MONTH_FORMAT = "Enter the month as YYYY-MM, for example 2026-03."
BAD_PERIODS = [
    ("fran=2026-13&till=2026-12", f"From month: {MONTH_FORMAT}"),
    ("fran=abc&till=2025-12", f"From month: {MONTH_FORMAT}"),
    ("fran=2025-01&till=2026-1x", f"To month: {MONTH_FORMAT}"),
    ("fran=2025-06&till=2025-01", "The period ends before it starts."),
    ("fran=2025-01", "Choose both the first and the last month."),
    ("till=2025-01", "Choose both the first and the last month."),
    ("fran=1999-12&till=2000-06", "From month: Choose a month from the year 2000 up to next year."),
    ("fran=2020-01&till=2025-01", "Choose a month, a quarter"),
    ("fran=2026-08&till=2026-11", "Choose a month, a quarter"),
    ("fran=2026-02&till=2026-04", "Choose a month, a quarter"),
    ("fran=2025-11&till=2026-10", "Choose a month, a quarter"),
]


@pytest.mark.parametrize("fmt", [None, *FORMATS])
@pytest.mark.parametrize(("query", "message"), BAD_PERIODS)
def test_it_refuses_a_bad_period_with_a_message_and_no_figures(
    client, process_leader, team, umea_figures, query, message, fmt
):
    client.force_login(process_leader)

    response = client.get(url("kommun", team.area.municipality, fmt, query))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html"), "an error page, not a file"
    body = response.content.decode()
    assert message in body
    assert 'id="table-' not in body
    assert "Download CSV" not in body
    # And the log says nothing was shown or exported
    entry = entries(process_leader).get()
    assert (entry.action, entry.outcome) == (LogAction.EXPORT if fmt else LogAction.VIEW, Outcome.DENIED)


@pytest.mark.parametrize(
    "query", ["fran=2024-07&till=2024-07", "fran=2026-04&till=2026-06", "fran=2021-01&till=2021-12"]
)
def test_it_accepts_a_month_a_quarter_and_a_year(client, process_leader, team, query):
    client.force_login(process_leader)

    response = client.get(url("kommun", team.area.municipality, query=query))

    assert response.status_code == 200
    assert 'id="table-oversikt"' in response.content.decode()


def test_it_accepts_the_last_twelve_full_months_and_offers_it_first(client, process_leader, team):
    client.force_login(process_leader)
    period = Period.last_twelve_months(timezone.localdate())

    response = client.get(url("kommun", team.area.municipality, query=period.query))

    assert response.status_code == 200
    assert period.last == add_months(timezone.localdate().replace(day=1), -1), "ends at the last full month"
    assert f'href="?{period.query.replace("&", "&amp;")}"' in response.content.decode()


def test_it_refuses_a_bad_period_in_swedish_without_figures(client, process_leader, team, umea_figures):
    # Given a user whose browser asks for Swedish, the portal's own language
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    client.force_login(process_leader)

    # When the period is malformed
    with translation.override("sv"):
        response = client.get(url("kommun", team.area.municipality, query="fran=2026-13&till=2026-12"))

    # Then the page answers in Swedish, 400, without a table of figures
    assert response.status_code == 400
    assert response["Content-Language"] == "sv"
    assert 'id="table-' not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/statistik/land/{municipality}/",  # an unknown level
        "/statistik/kommun/{missing}/",  # no such municipality
        "/statistik/team/{municipality}/",  # a municipality's id given as a team's
        "/statistik/kommun/99999999999999999999/",  # beyond any database id
        "/statistik/kommun/{municipality}/export.pdf",  # an unknown format
        "/statistik/kommun/{municipality}/export.CSV",
        "/statistik/land/{municipality}/export.csv",
        "/statistik/kommun/{missing}/export.xlsx",
    ],
)
def test_it_answers_not_found_to_a_url_that_names_nothing(client, regional_leader, team, umea_figures, path):
    client.force_login(regional_leader)
    municipality = team.area.municipality

    response = client.get(path.format(municipality=municipality.pk, missing=municipality.pk + 10_000))

    assert response.status_code == 404
    body = response.content.decode()
    assert "Umeå" not in body
    assert 'id="table-' not in body


def test_it_logs_an_unknown_unit_as_denied(client, regional_leader, team):
    client.force_login(regional_leader)
    missing = team.area.municipality.pk + 10_000

    client.get(f"/statistik/kommun/{missing}/")

    entry = entries(regional_leader).get()
    assert (entry.object_type, entry.object_id, entry.outcome) == (
        "dashboards.municipality",
        str(missing),
        Outcome.DENIED,
    )


# --- 5. The exports hold the page ----------------------------------------------------------------
@pytest.fixture
def umea_with_two_teams(team, region):
    """Umeå with two teams, one busy (twelve cases, ten discussed, six closed) and one small."""
    add_cases(team, 12, discussed=10, closed=6)
    second = TeamFactory(name="HLT Teg", area=AreaFactory(name="Teg", municipality=team.area.municipality))
    add_cases(second, 2, discussed=1)
    summary_refresh()
    return team.area.municipality


def _page(client, municipality) -> _PageTables:
    response = client.get(url("kommun", municipality, query=this_year()))
    assert response.status_code == 200
    tables = page_tables(response)
    assert {"oversikt", "jamforelse", "manader", "age", "sector", "closure"} <= set(tables.tables)
    return tables


def test_it_exports_to_csv_exactly_the_tables_of_the_page(client, process_leader, umea_with_two_teams):
    client.force_login(process_leader)
    page = _page(client, umea_with_two_teams)

    sections = csv_sections(client.get(url("kommun", umea_with_two_teams, "csv", this_year())).content)

    title, *tables = sections
    assert title[0][0].startswith("Umeå, ")
    assert len(tables) == len(page.tables)
    for (slug, rows), section in zip(page.tables.items(), tables, strict=True):
        assert section[0] == [page.titles[slug]], slug
        assert section[1:] == rows, slug


def test_it_exports_to_excel_exactly_the_tables_of_the_page(client, process_leader, umea_with_two_teams):
    client.force_login(process_leader)
    page = _page(client, umea_with_two_teams)

    sheets = xlsx_sheets(client.get(url("kommun", umea_with_two_teams, "xlsx", this_year())).content)

    assert len(sheets) == len(page.tables)
    numbers = 0
    for (slug, rows), sheet in zip(page.tables.items(), sheets, strict=True):
        assert page.titles[slug][:20] in sheet.title, slug
        title, *lines = list(sheet.iter_rows(values_only=True))
        assert title[0].startswith("Umeå, ")
        assert len(lines) == len(rows), slug
        for line, row in zip(lines, rows, strict=True):
            for column, text in enumerate(row):
                value = line[column]
                if re.fullmatch(r"\d+", text):
                    assert value == int(text) and type(value) is int, (slug, row[0], column)
                    numbers += 1
                else:
                    assert (value or "") == text, (slug, row[0], column)
            assert all(value in (None, "") for value in line[len(row) :]), (slug, row[0])
    assert numbers > 10, "the figures reached the sheets as numbers"


# --- 6. Formula injection ------------------------------------------------------------------------
HYPERLINK = '=HYPERLINK("http://x")'


@pytest.fixture
def formula_names(region, regional_leader):
    """A municipality named "+cmd" whose team is named like an Excel formula, with some cases."""
    municipality = MunicipalityFactory(region=region, name="+cmd", code="2499")
    team = TeamFactory(name=HYPERLINK, area=AreaFactory(name="Centrum", municipality=municipality))
    add_cases(team, 6)
    summary_refresh()
    return municipality


@pytest.mark.parametrize(
    ("level", "expected"),
    [("region", ["'+cmd"]), ("kommun", [f"'{HYPERLINK} (Centrum)"])],
)
def test_it_writes_formula_like_names_as_text_in_the_csv(client, regional_leader, formula_names, level, expected):
    client.force_login(regional_leader)
    unit = formula_names if level == "kommun" else formula_names.region

    response = client.get(url(level, unit, "csv"))

    cells = [cell for section in csv_sections(response.content) for row in section for cell in row]
    for text in expected:
        assert text in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    if level == "kommun":
        assert cells[0].startswith("'+cmd, "), "the title too"


@pytest.mark.parametrize(
    ("level", "expected"),
    [("region", "'+cmd"), ("kommun", f"'{HYPERLINK} (Centrum)")],
)
def test_it_writes_formula_like_names_as_text_in_excel(client, regional_leader, formula_names, level, expected):
    client.force_login(regional_leader)
    unit = formula_names if level == "kommun" else formula_names.region

    response = client.get(url(level, unit, "xlsx"))

    cells = [cell for sheet in xlsx_sheets(response.content) for row in sheet.iter_rows() for cell in row]
    found = [cell for cell in cells if cell.value == expected]
    assert found
    assert all(cell.data_type == "s" for cell in found)
    assert not [cell for cell in cells if cell.data_type == "f"], "no formula anywhere"


# --- 7. Query counts -----------------------------------------------------------------------------
def _region_of(count: int):
    region = RegionFactory(name="Region Norrbotten", code="25")
    initiator = UserFactory()
    for n in range(count):
        municipality = MunicipalityFactory(region=region, name=f"Kommun {n:02d}")
        add_cases(TeamFactory(area=AreaFactory(municipality=municipality)), 3, initiator=initiator, discussed=1)
    summary_refresh()
    return region


def _municipality_of(count: int):
    municipality = MunicipalityFactory(name="Luleå", code="2580")
    initiator = UserFactory()
    for n in range(count):
        add_cases(
            TeamFactory(name=f"HLT {n:02d}", area=AreaFactory(municipality=municipality)),
            3,
            initiator=initiator,
            discussed=1,
        )
    summary_refresh()
    return municipality


# A dashboard page costs 15 queries, whatever the number of units it compares:
#   1. the signed-in user                      2. their TOTP authenticator (MFA middleware)
#   3. the unit, within the user's scopes      4. the access-log INSERT (VIEW, allowed)
#   5. the compared units (municipalities or teams, one query)
#   6. TeamMonth: per unit, per month and in total (one UNION ALL)
#   7. DiscussedChild, likewise                8. LeadTime: median and 90th percentile
#   9. Breakdown by dimension and key         10. the intervention types
#  11. SummaryState (figures as of)            12. the user's unread notices (base template)
#  13-15. the session saved: SAVEPOINT, UPDATE django_session, RELEASE SAVEPOINT
DASHBOARD_QUERIES = 15


@pytest.mark.parametrize("count", [1, 20])
def test_it_reads_a_region_in_the_same_queries_for_1_or_20_municipalities(client, django_assert_num_queries, count):
    # Given a region of `count` municipalities, each with a team and three cases, one discussed
    region = _region_of(count)
    client.force_login(ScopeFactory(region=region).user)

    # When its regional leader opens the region's dashboard
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url("region", region))

    # Then every municipality is compared, in the same queries
    assert response.status_code == 200
    assert len(page_tables(response).tables["jamforelse"]) == 1 + count + 1  # header, units, total


@pytest.mark.parametrize("count", [1, 20])
def test_it_reads_a_municipality_in_the_same_queries_for_1_or_20_teams(client, django_assert_num_queries, count):
    municipality = _municipality_of(count)
    client.force_login(ScopeFactory(municipality=municipality).user)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url("kommun", municipality))

    assert response.status_code == 200
    assert len(page_tables(response).tables["jamforelse"]) == 1 + count + 1


# Served again from the cache, a dashboard reads neither the summary nor the structure: the user, the
# unit within their scopes, the access-log INSERT, the summary's generation and the unread notices
# (the MFA check and the session were settled by the first request).
CACHED_DASHBOARD_QUERIES = 5


def test_it_serves_a_dashboard_again_from_the_cache_until_the_summary_is_refreshed(client, django_assert_num_queries):
    # Given a municipality's dashboard seen once
    municipality = _municipality_of(1)
    user = ScopeFactory(municipality=municipality).user
    client.force_login(user)
    first = client.get(url("kommun", municipality))

    # When it is opened again, it comes from the cache, with the same figures and its own log entry
    with django_assert_num_queries(CACHED_DASHBOARD_QUERIES):
        again = client.get(url("kommun", municipality))
    assert page_tables(again).tables == page_tables(first).tables
    assert entries(user, action=LogAction.VIEW).count() == 2

    # And after the next refresh it is computed afresh: the six reads of units and summary again
    summary_refresh()
    with django_assert_num_queries(CACHED_DASHBOARD_QUERIES + 6):
        client.get(url("kommun", municipality))


def test_it_prepares_the_dashboards_opened_lately_after_each_refresh(client, django_assert_num_queries):
    # Given a municipality's dashboard opened once, and another municipality's never
    municipality = _municipality_of(1)
    unopened = MunicipalityFactory(name="Piteå", code="2581")
    client.force_login(ScopeFactory(municipality=municipality).user)
    client.get(url("kommun", municipality))

    # When beat's refresh task runs, replacing the figures
    summary_refresh_task()

    # Then the first view after it is served from the cache, in either language
    with django_assert_num_queries(CACHED_DASHBOARD_QUERIES):
        client.get(url("kommun", municipality))
    with django_assert_num_queries(CACHED_DASHBOARD_QUERIES), translation.override("sv"):
        client.get(url("kommun", municipality), HTTP_ACCEPT_LANGUAGE="sv")
    # And the dashboard nobody opened was not computed
    state, period = summary_state(), Period.last_twelve_months(timezone.localdate())
    assert cache.get(dashboard_key(LEVELS["kommun"], unopened, period, state)) is None
    assert cache.get(dashboard_key(LEVELS["kommun"], municipality, period, state)) is not None


def test_it_caches_the_figures_per_language(client):
    # Given a dashboard seen in English
    municipality = _municipality_of(1)
    client.force_login(ScopeFactory(municipality=municipality).user)
    assert "Month by month" in client.get(url("kommun", municipality)).content.decode()

    # When it is opened in Swedish, its figures come in Swedish, not from the English copy
    with translation.override("sv"):
        page = client.get(url("kommun", municipality), HTTP_ACCEPT_LANGUAGE="sv").content.decode()

    assert "Månad för månad" in page
    assert "Month by month" not in page


# --- 8. The index --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "level", "unit_of"),
    [
        ("process_leader", "kommun", lambda team, region: team.area.municipality),
        ("regional_leader", "region", lambda team, region: region),
        ("coordinator", "team", lambda team, region: team),
    ],
)
def test_it_sends_a_user_with_one_unit_straight_to_its_dashboard(
    client, personas, team, region, persona, level, unit_of
):
    client.force_login(personas[persona])

    response = client.get("/statistik/")

    assert response.status_code == 302
    assert response["Location"] == url(level, unit_of(team, region))


def test_it_lists_the_units_of_a_user_with_several(client, process_leader, team, other_team):
    # Given Umeå's process leader who also sits in the management group of Åsele's area
    ManagementFactory(user=process_leader, area=other_team.area)
    client.force_login(process_leader)

    # When they open the statistics
    response = client.get("/statistik/")

    # Then they choose between Umeå and Åsele's area
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="{url("kommun", team.area.municipality)}">Umeå</a>' in body
    assert f'href="{url("omrade", other_team.area)}">Åsele</a>' in body


@pytest.mark.parametrize("persona", ["member", "outsider", "admin"])
def test_it_forbids_the_statistics_to_a_user_without_a_scope(client, personas, persona):
    client.force_login(personas[persona])

    response = client.get("/statistik/")

    assert response.status_code == 403
