"""The dashboards in a real browser, every page checked with axe-core.

Region Västerbotten has two municipalities: Umeå with two HLT teams and Åsele with one. Each team
discussed enough cases last month, and gave every family its feedback within the week, for the
figures to be shown rather than hidden. The regional process leader opens the region's statistics
from the start page, sees the 7-day promise and the comparison of the municipalities, drills down
to Umeå and on to a team, comes back to the region, picks a period with the month fields, gets a
message (not an error page) for a period that ends before it starts, and downloads the CSV, which
holds the same comparison as the page.

Selectors go by `id`, `name` and `href`; where text must match, a regex accepts the Swedish or the
English wording.
"""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseStatus, ClosureReason
from dashboards.periods import add_months
from dashboards.perturbation import MAX_ADJUSTMENT
from dashboards.services import summary_rebuild
from meetings.feedback import feedback_record
from meetings.models import FamilyAnswer, FeedbackMethod
from tests.browser.conftest import check_a11y, submit
from tests.browser.test_case_journey import log_in
from tests.factories import AreaFactory, CaseFactory, MembershipFactory, TeamFactory
from tests.feedback_helpers import closed_meeting, discussed_item

pytestmark = pytest.mark.django_db(transaction=True)

STATISTICS_FOR_REGION = re.compile(r"(Statistik för|Statistics for) Region Västerbotten")
PROMISE = re.compile(r"7-dagars|sju dagar|7 dagar|7-day promise", re.IGNORECASE)
KEPT = re.compile(r"✓")
REVERSED = re.compile(r"slutar innan den börjar|slutar före|ends before it starts", re.IGNORECASE)
BREADCRUMB = re.compile(r"Brödsmulor|Breadcrumb")


def discussed_last_month(team, contact, count: int) -> None:
    """`count` cases of `team`, started three weeks before its meeting 30 days ago, discussed there
    with `contact` as contact person and the family's feedback given three days after; the first
    case is closed since, with the family's experience scored 4."""
    today = timezone.localdate()
    day = today - timedelta(days=30)
    meeting = closed_meeting(team, day=day)
    home_unit = contact.memberships.get(team=team).home_unit
    for number in range(count):
        case = CaseFactory(team=team, initiator=contact, initiator_unit=home_unit, initiated_on=day - timedelta(21))
        item = discussed_item(case, contact=contact, meeting=meeting)
        feedback_record(
            item=item,
            actor=contact,
            given_on=day + timedelta(days=3),
            method=FeedbackMethod.PHONE,
            answer=FamilyAnswer.ACCEPTED,
            note="",
            today=today,
        )
        if number == 0:
            Case.objects.filter(pk=case.pk).update(
                status=CaseStatus.CLOSED,
                closed_on=today - timedelta(days=2),
                closure_reason=ClosureReason.NEEDS_MET,
                family_experience=4,
            )


@pytest.fixture
def figures(team, member, other_team, outsider):
    """Umeå: HLT Ålidhem (12 cases) and HLT Mariehem (11); Åsele: HLT Åsele (11). The summary is
    rebuilt. Every count is at least 11, so no perturbed figure (±5) falls below five and is hidden."""
    umea = team.area.municipality
    mariehem = TeamFactory(name="HLT Mariehem", area=AreaFactory(name="Mariehem", municipality=umea))
    discussed_last_month(team, member, 12)
    discussed_last_month(mariehem, MembershipFactory(team=mariehem).user, 11)
    discussed_last_month(other_team, outsider, 11)
    summary_rebuild()
    return {"umea": umea, "mariehem": mariehem}


def near(shown: str, true: int) -> bool:
    """Whether `shown` is a published figure for the true count `true`: a number (not hidden) that
    the cell key method moved by at most MAX_ADJUSTMENT (dashboards/perturbation.py)."""
    return shown.isdigit() and abs(int(shown) - true) <= MAX_ADJUSTMENT


def table_text(page, slug: str) -> list[list[str]]:
    """The header and rows of the dashboard table `slug`, as the page shows them."""
    table = page.locator(f"#table-{slug}")
    rows = table.locator("thead tr, tbody tr")
    return [
        [" ".join(cell.split()) for cell in rows.nth(index).locator("th, td").all_inner_texts()]
        for index in range(rows.count())
    ]


def csv_section(text: str, title: str) -> list[list[str]]:
    """The lines of the CSV section headed `title`: its header and rows, up to the blank line, with
    the whitespace of each cell evened out as `table_text` does."""
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    start = lines.index([title]) + 1
    end = next(index for index in range(start, len(lines)) if not lines[index])
    return [[" ".join(cell.split()) for cell in line] for line in lines[start:end]]


def month(day: date) -> str:
    return f"{day:%Y-%m}"


def show_period(page, first: date, last: date) -> int:
    """Fill in the month fields, press the form's button and return the status of the page shown."""
    page.fill("input[name=fran]", month(first))
    page.fill("input[name=till]", month(last))
    with page.expect_response(lambda response: "till=" in response.url) as shown:
        submit(page)
    page.wait_for_load_state()
    return shown.value.status


def test_the_regional_leader_follows_the_7_day_promise_from_region_to_team_and_downloads_it(
    page, region, team, other_team, regional_leader, figures
):
    umea, mariehem = figures["umea"], figures["mariehem"]
    region_url = f"/statistik/region/{region.pk}/"

    # The start page links to the region's statistics.
    log_in(page, regional_leader)
    page.get_by_role("link", name=STATISTICS_FOR_REGION).click()
    page.wait_for_url(f"**{region_url}")
    check_a11y(page)

    # The 7-day promise is kept (every family had its feedback within the week) ...
    promise = page.locator("section.hlt-promise")
    assert PROMISE.search(promise.locator("h2").inner_text())
    assert KEPT.search(promise.inner_text())
    families = [int(number) for number in re.findall(r"\d+", promise.inner_text())]
    assert any(abs(number - 34) <= MAX_ADJUSTMENT for number in families)  # about 34 of 34 families

    # ... and the comparison shows both municipalities' figures, none of them hidden, each within
    # the perturbation of the truth (a published figure is never exact, by design).
    comparison = table_text(page, "jamforelse")
    rows = {row[0]: row[1:] for row in comparison[1:]}
    assert all(near(figure, 23) for figure in rows["Umeå"][:4]), rows["Umeå"]
    assert all(near(figure, 11) for figure in rows["Åsele"][:4]), rows["Åsele"]
    assert rows["Umeå"][4].endswith("%") and rows["Åsele"][4].endswith("%")

    # Down to Umeå, whose comparison is of its two teams ...
    page.locator("#table-jamforelse").get_by_role("link", name="Umeå", exact=True).click()
    page.wait_for_url(f"**/statistik/kommun/{umea.pk}/?*")
    check_a11y(page)
    teams = {row[0]: row[1:] for row in table_text(page, "jamforelse")[1:]}
    assert near(teams["HLT Ålidhem (Ålidhem)"][0], 12)
    assert near(teams["HLT Mariehem (Mariehem)"][0], 11)

    # ... and on to a team, which compares nothing and shows its months.
    page.locator("#table-jamforelse").get_by_role("link", name="HLT Ålidhem (Ålidhem)").click()
    page.wait_for_url(f"**/statistik/team/{team.pk}/?*")
    check_a11y(page)
    assert page.locator("#table-jamforelse").count() == 0
    assert near(table_text(page, "manader")[-1][1], 12)  # the months' total of cases started
    assert mariehem.name not in page.locator("main").inner_text()

    # The breadcrumb's "Statistics" leads back to the region, the leader's one unit.
    page.get_by_role("navigation", name=BREADCRUMB).locator('a[href="/statistik/"]').click()
    page.wait_for_url(f"**{region_url}")

    # A period of the last three months, chosen with the month fields.
    this_month = timezone.localdate().replace(day=1)
    first = add_months(this_month, -2)
    assert show_period(page, first, this_month) == 200
    assert f"fran={month(first)}&till={month(this_month)}" in page.url
    assert page.input_value("input[name=fran]") == month(first)
    check_a11y(page)
    assert near({row[0]: row[1] for row in table_text(page, "jamforelse")[1:]}["Umeå"], 23)

    # A period that ends before it starts is explained, and no figures are shown.
    assert show_period(page, this_month, first) == 400
    assert REVERSED.search(page.locator("main .alert-danger").inner_text())
    assert page.locator("#table-jamforelse").count() == 0
    check_a11y(page)

    # Back to a valid period: the CSV holds the comparison as the page shows it.
    assert show_period(page, first, this_month) == 200
    shown = table_text(page, "jamforelse")
    title = page.locator("#jamforelse-heading").inner_text()
    with page.expect_download() as download_info:
        page.locator(f'main a[href*="/export.csv?fran={month(first)}&till={month(this_month)}"]').click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"{month(first)}-{month(this_month)}.csv")
    content = download.path().read_bytes()
    assert content.startswith("\ufeff".encode())
    assert csv_section(content.decode("utf-8-sig"), title) == shown
