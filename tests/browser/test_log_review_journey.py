"""The log review in a real browser, every page checked with axe-core.

A log reviewer for Umeå opens the log review from the start page, finds a child's log by identity
number, draws last month's review, records a result for one drawn access and sees it on the review.

Selectors go by `id`, `name` and `href`; where text must match, a regex accepts the Swedish or the
English wording.
"""

import re

import pytest

from audit.models import LogReviewerScope, Review, ReviewResult
from tests.audit.test_log_review import last_month_at, read
from tests.browser.conftest import check_a11y, submit
from tests.browser.test_case_journey import log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

TO_LOG_REVIEW = re.compile(r"Gå till loggkontroll|Go to log review")
A_CHILDS_LOG = re.compile(r"Ett barns logg|A child's log")


def test_the_reviewer_reads_a_childs_log_draws_the_month_and_records_a_result(page, team, case, member, colleague):
    reviewer = UserFactory(full_name="Rakel Granskare")
    LogReviewerScope.objects.create(user=reviewer, municipality=team.area.municipality)
    for minute in range(3):
        read(colleague, case, at=last_month_at(10, minute=minute))

    log_in(page, reviewer)
    page.get_by_role("link", name=TO_LOG_REVIEW).click()
    page.wait_for_url("**/loggkontroll/")
    check_a11y(page)

    # A child's log, by identity number: the name shows on the log page, the number stays out of the URL.
    page.get_by_role("link", name=A_CHILDS_LOG).click()
    page.fill("input[name=number]", case.child.identity_number)
    submit(page)
    page.wait_for_load_state()
    assert case.child.full_name in page.locator("main").inner_text()
    assert case.child.identity_number not in page.url
    check_a11y(page)

    # Last month's review: drawn from the form, the flagged reads listed.
    page.goto("/loggkontroll/granskningar/ny/")
    check_a11y(page)
    submit(page)
    page.wait_for_url(re.compile(r".*/loggkontroll/granskningar/\d+/$"))
    check_a11y(page)
    review = Review.objects.get()
    assert page.locator("tr[id^=post-]").count() == review.items.count() == 3

    # A result for the first access, with a comment.
    page.locator("#post-1 a").click()
    check_a11y(page)
    page.locator(f"input[name=result][value={ReviewResult.INVESTIGATE}]").check()
    page.fill("textarea[name=comment]", "Fråga chefen")
    submit(page)
    page.wait_for_url(re.compile(r".*/loggkontroll/granskningar/\d+/(#post-1)?$"))
    assert "Fråga chefen" in page.locator("#post-1").inner_text()
    check_a11y(page)
    assert review.items.get(position=1).result == ReviewResult.INVESTIGATE
