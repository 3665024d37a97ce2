"""Log review (loggkontroll, issue 16 item 1): a reviewer per region or municipality reads the
access log about the children of their scope, never a case; draws a monthly review (a stored,
reproducible random sample plus flagged accesses), records a result per access and prints a report.
"""

import csv
import datetime
import io

import pypdf
import pytest
from django.utils import timezone, translation

from access.models import AccessLogEntry, LogAction, Outcome
from audit.models import ItemReason, LogReviewerScope, Review, ReviewResult
from audit.sampling import review_redraw
from audit.services import review_create, review_item_record
from cases.models import ProtectionLevel
from tests.factories import CaseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(team):
    user = UserFactory(full_name="Rakel Granskare")
    LogReviewerScope.objects.create(user=user, municipality=team.area.municipality)
    return user


@pytest.fixture
def scope(reviewer):
    return reviewer.log_reviewer_scopes.get()


@pytest.fixture
def foreign_case(other_team, outsider):
    """A case of another municipality (Åsele): outside the reviewer's scope."""
    return CaseFactory(team=other_team, initiator=outsider, child__first_name="Främling")


def last_month_at(hour: int, *, day: int = 15, minute: int = 0) -> datetime.datetime:
    """A weekday of last month at `hour` Stockholm time."""
    first = timezone.localdate().replace(day=1)
    date = (first - datetime.timedelta(days=1)).replace(day=day)
    while date.weekday() >= 5:
        date += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute)))


def read(user, case, *, at=None, outcome=Outcome.ALLOWED, action=LogAction.VIEW) -> AccessLogEntry:
    membership = user.memberships.filter(team=case.team).first()
    return AccessLogEntry.objects.create(
        occurred_at=at or timezone.now(),
        user=user,
        team=case.team if membership else None,
        unit=membership.home_unit if membership else None,
        action=action,
        object_type="cases.case",
        object_id=str(case.pk),
        child_id=case.child_id,
        outcome=outcome,
    )


def search_child(client, number):
    return client.post("/loggkontroll/barn/", {"number": number}, follow=True)


def text(response) -> str:
    return response.content.decode()


# --- Who may review ------------------------------------------------------------------------------
def test_it_refuses_log_review_to_everyone_without_a_reviewer_scope(client, member, process_leader, admin_user):
    for user in (member, process_leader, admin_user):
        client.force_login(user)

        response = client.get("/loggkontroll/")

        assert response.status_code == 403
        assert AccessLogEntry.objects.filter(user=user, outcome=Outcome.DENIED, object_type="audit.review").exists()


def test_it_never_opens_a_case_for_the_reviewer(client, reviewer, consented_case):
    client.force_login(reviewer)

    assert client.get(f"/arenden/{consented_case.pk}/").status_code == 404
    assert client.get("/arenden/").content.decode().count(consented_case.child.first_name) == 0


# --- A child's log -------------------------------------------------------------------------------
def test_it_shows_every_access_to_a_childs_data_with_who_where_and_outcome(client, reviewer, case, member, outsider):
    read(member, case)
    read(outsider, case, outcome=Outcome.DENIED)
    client.force_login(reviewer)

    response = search_child(client, case.child.identity_number)

    page = text(response)
    assert case.child.full_name in page
    assert "Maja Medlem" in page and "Otto Utomstående" in page
    assert member.memberships.get().home_unit.name in page and "HLT Ålidhem" in page
    assert str(Outcome.DENIED.label) in page
    assert case.child.identity_number not in page  # the number is asked for, never shown back
    assert case.reason_description not in page  # nothing of the case itself


def test_it_keeps_the_identity_number_out_of_the_url(client, reviewer, case):
    client.force_login(reviewer)

    response = client.post("/loggkontroll/barn/", {"number": case.child.identity_number})

    assert response.status_code == 302
    assert case.child.identity_number not in response["Location"]


def test_it_answers_a_child_outside_the_scope_as_an_unknown_number(client, reviewer, foreign_case, outsider):
    read(outsider, foreign_case)
    client.force_login(reviewer)

    response = search_child(client, foreign_case.child.identity_number)

    assert foreign_case.child.full_name not in text(response)
    assert "Otto Utomstående" not in text(response)


def test_it_filters_a_childs_log_by_period(client, reviewer, case, member, colleague):
    read(member, case, at=last_month_at(10))
    read(colleague, case)
    client.force_login(reviewer)
    search_child(client, case.child.identity_number)
    today = timezone.localdate()

    response = client.get("/loggkontroll/barn/", {"fran": today.replace(day=1).isoformat(), "till": today.isoformat()})

    assert "Kalle Kollega" in text(response)
    assert "Maja Medlem" not in text(response)


def test_it_logs_the_reviewers_reading_of_a_childs_log(client, reviewer, case, member):
    read(member, case)
    client.force_login(reviewer)

    search_child(client, case.child.identity_number)

    mine = AccessLogEntry.objects.filter(user=reviewer, child_id=case.child_id)
    assert set(mine.values_list("action", flat=True)) == {LogAction.SEARCH, LogAction.VIEW}


# --- A user's log --------------------------------------------------------------------------------
def test_it_shows_what_one_user_accessed_in_the_scope_only(client, reviewer, case, foreign_case, colleague):
    MembershipFactory(team=foreign_case.team, user=colleague)
    read(colleague, case)
    read(colleague, foreign_case)
    client.force_login(reviewer)

    response = client.get("/loggkontroll/anvandare/", {"anvandare": colleague.pk})

    assert response.status_code == 200
    rows = text(response).split("<tbody>")[1]
    assert rows.count("<tr>") == 1
    assert f"<td>{case.child_id}</td>" in rows
    assert foreign_case.child.full_name not in text(response)
    # The page named a child (by id): the child's own log shows the reviewer read it.
    assert AccessLogEntry.objects.filter(user=reviewer, child_id=case.child_id, action=LogAction.VIEW).exists()


# The user, the scopes, the child (or the user picked), the count, the page with who and where, the
# page's log insert, the unread notices of the menu (the select of users on the user page is one more).
CHILD_LOG_QUERIES = 7
USER_LOG_QUERIES = 8


@pytest.mark.parametrize("total", [1, 20])
def test_it_reads_a_childs_log_in_the_same_queries_for_1_or_20_entries(
    client, reviewer, case, member, total, django_assert_num_queries
):
    for _ in range(total):
        read(member, case)
    client.force_login(reviewer)
    search_child(client, case.child.identity_number)

    with django_assert_num_queries(CHILD_LOG_QUERIES):
        response = client.get("/loggkontroll/barn/")

    assert text(response).count("Maja Medlem") == total


@pytest.mark.parametrize("total", [1, 20])
def test_it_reads_a_users_log_in_the_same_queries_for_1_or_20_children(
    client, reviewer, team, member, total, django_assert_num_queries
):
    for _ in range(total):
        read(member, CaseFactory(team=team, initiator=member))
    client.force_login(reviewer)
    client.get("/loggkontroll/")

    with django_assert_num_queries(USER_LOG_QUERIES):
        response = client.get("/loggkontroll/anvandare/", {"anvandare": member.pk})

    assert text(response).split("<tbody>")[1].count("<tr>") == total


# --- The monthly review --------------------------------------------------------------------------
@pytest.fixture
def month_of_reads(case, member, colleague, settings):
    """Forty reads by the case's initiator last month, in working hours."""
    settings.HLT_LOG_REVIEW_SAMPLE_SIZE = 5
    return [read(member, case, at=last_month_at(9, minute=minute)) for minute in range(40)]


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def test_it_stores_a_random_sample_reproducible_from_its_seed(scope, reviewer, month_of_reads):
    review = review_create(scope=scope, month=last_month(), by=reviewer, seed=1234)

    stored = list(review.items.values_list("entry_id", "reason"))
    assert len(stored) == 5
    assert {reason for _, reason in stored} == {ItemReason.SAMPLE}
    assert review_redraw(Review.objects.get(pk=review.pk)) == stored
    # Another seed draws another sample from the same month.
    other = Review(municipality=scope.municipality, month=last_month(), seed=99, sample_size=5, flagged_per_kind=0)
    assert {entry for entry, _ in review_redraw(other)} != {entry for entry, _ in stored}


def test_it_draws_the_review_from_the_form_once_a_month(client, reviewer, month_of_reads):
    client.force_login(reviewer)
    body = {"scope": reviewer.log_reviewer_scopes.get().pk, "month": last_month().isoformat()}

    first = client.post("/loggkontroll/granskningar/ny/", body)
    again = client.post("/loggkontroll/granskningar/ny/", body)

    review = Review.objects.get()
    assert first["Location"] == f"/loggkontroll/granskningar/{review.pk}/"
    assert again.status_code == 200 and Review.objects.count() == 1
    assert AccessLogEntry.objects.filter(user=reviewer, action=LogAction.CREATE, object_type="audit.review").exists()


def test_it_flags_each_kind_worth_a_look(scope, reviewer, team, member, colleague, outsider, settings):
    settings.HLT_LOG_REVIEW_SAMPLE_SIZE = 0
    case = CaseFactory(team=team, initiator=member)
    protected = CaseFactory(team=team, initiator=member, child__protection=ProtectionLevel.PROTECTED_REGISTRATION)
    in_order = read(member, case, at=last_month_at(10))  # the initiator, in working hours
    flagged = {
        ItemReason.PROTECTED: read(member, protected, at=last_month_at(10, minute=1)),
        ItemReason.DENIED: read(outsider, case, at=last_month_at(10, minute=2), outcome=Outcome.DENIED),
        ItemReason.AFTER_HOURS: read(member, case, at=last_month_at(22)),
        ItemReason.NO_TASK: read(colleague, case, at=last_month_at(11)),
    }

    review = review_create(scope=scope, month=last_month(), by=reviewer)

    found = dict(review.items.values_list("entry_id", "reason"))
    assert found == {entry.pk: kind for kind, entry in flagged.items()}
    assert in_order.pk not in found


def test_it_does_not_flag_a_read_by_the_contact_person_or_the_responsible(scope, reviewer, team, colleague, settings):
    from support.models import FollowUp, FollowUpKind

    settings.HLT_LOG_REVIEW_SAMPLE_SIZE = 0
    case = CaseFactory(team=team)
    FollowUp.objects.create(
        case=case,
        kind=FollowUpKind.FAMILY_MEETING,
        planned_on=timezone.localdate(),
        responsible=colleague,
        created_by=colleague,
    )
    read(colleague, case, at=last_month_at(10))

    review = review_create(scope=scope, month=last_month(), by=reviewer)

    assert not review.items.exists()


@pytest.fixture
def review(scope, reviewer, month_of_reads):
    return review_create(scope=scope, month=last_month(), by=reviewer, seed=7)


def test_it_records_and_logs_every_result(client, reviewer, review):
    client.force_login(reviewer)
    items = list(review.items.select_related("entry"))

    for item in items:
        response = client.post(
            f"/loggkontroll/granskningar/{review.pk}/poster/{item.pk}/",
            {"result": ReviewResult.INVESTIGATE, "comment": f"Fråga chefen om {item.position}"},
        )
        assert response.status_code == 302

    for item in review.items.all():
        assert (item.result, item.comment, item.decided_by) == (
            ReviewResult.INVESTIGATE,
            f"Fråga chefen om {item.position}",
            reviewer,
        )
    logged = AccessLogEntry.objects.filter(user=reviewer, action=LogAction.UPDATE, object_type="audit.reviewitem")
    assert sorted(logged.values_list("object_id", "child_id")) == sorted(
        (str(item.pk), item.entry.child_id) for item in items
    )


def test_it_asks_for_a_comment_when_an_access_is_to_be_investigated(client, reviewer, review):
    client.force_login(reviewer)
    item = review.items.first()

    response = client.post(f"/loggkontroll/granskningar/{review.pk}/poster/{item.pk}/", {"result": "investigate"})

    assert response.status_code == 200
    item.refresh_from_db()
    assert item.result == ""


def test_it_shows_another_scopes_review_to_nobody_else(client, review, other_team):
    stranger = UserFactory()
    LogReviewerScope.objects.create(user=stranger, municipality=other_team.area.municipality)
    client.force_login(stranger)

    assert client.get(f"/loggkontroll/granskningar/{review.pk}/").status_code == 404
    assert client.get(f"/loggkontroll/granskningar/{review.pk}/rapport.csv").status_code == 404
    assert AccessLogEntry.objects.filter(user=stranger, outcome=Outcome.DENIED, object_id=str(review.pk)).count() == 2


def test_it_lets_a_regional_reviewer_read_the_municipalitys_review(client, review, region):
    regional = UserFactory()
    LogReviewerScope.objects.create(user=regional, region=region)
    client.force_login(regional)

    assert client.get(f"/loggkontroll/granskningar/{review.pk}/").status_code == 200


@pytest.mark.parametrize("size", [1, 20])
def test_it_loads_a_review_in_the_same_queries_for_1_or_20_items(
    client, reviewer, scope, case, member, settings, size, django_assert_num_queries
):
    settings.HLT_LOG_REVIEW_SAMPLE_SIZE = size
    for minute in range(size):
        read(member, case, at=last_month_at(9, minute=minute))
    review = review_create(scope=scope, month=last_month(), by=reviewer)
    client.force_login(reviewer)
    client.get("/loggkontroll/")

    # The user, the scopes, the review, its items with their entries, the page's log insert, the menu's notices.
    with django_assert_num_queries(6):
        response = client.get(f"/loggkontroll/granskningar/{review.pk}/")

    assert text(response).count('id="post-') == size


# --- The report ----------------------------------------------------------------------------------
def test_it_prints_the_report_with_the_sample_and_its_results(client, reviewer, review):
    item = review.items.first()
    review_item_record(item=item, result=ReviewResult.ACTION_TAKEN, comment="Samtal med chef", by=reviewer)
    client.force_login(reviewer)

    response = client.get(f"/loggkontroll/granskningar/{review.pk}/rapport.pdf")

    assert response["Content-Type"] == "application/pdf"
    content = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(content.split())
    assert "Umeå" in flat and f"{review.month:%Y-%m}" in flat
    assert f"Slumpfrö: {review.seed}" in flat
    assert "Resultat registrerat för 1 av 5 poster" in flat
    assert "Samtal med chef" in flat and "Maja Medlem" in flat
    with translation.override("sv"):
        assert str(ReviewResult.ACTION_TAKEN.label) in flat
    assert AccessLogEntry.objects.filter(user=reviewer, action=LogAction.PRINT).exists()


def test_it_exports_the_report_as_csv_that_runs_no_formula(client, reviewer, review):
    item = review.items.first()
    review_item_record(item=item, result=ReviewResult.IN_ORDER, comment='=HYPERLINK("http://x")', by=reviewer)
    client.force_login(reviewer)

    response = client.get(f"/loggkontroll/granskningar/{review.pk}/rapport.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3 + 5
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert AccessLogEntry.objects.filter(user=reviewer, action=LogAction.EXPORT).exists()
