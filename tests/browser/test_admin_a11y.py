"""Administrators are users too: the admin pages they use pass axe (WCAG 2.1 AA), in Swedish.

The walk covers the admin index, every registered model's list and add page, and the change pages
with inline rows and autocomplete fields: a user who is a team member, a process leader and on a
management group, their team, its area and its region; and a two-factor method and a login
session, which administrators reset and end; and the list of undelivered e-mails.
"""

import pytest
from django.contrib import admin
from django.utils import timezone

from accounts.models import LoginSession, TwoFactorMethod
from notifications.models import Kind, Notification
from tests.browser.conftest import check_a11y
from tests.browser.test_case_journey import log_in
from tests.factories import ManagementFactory, MeetingFactory, ScheduleFactory, ScopeFactory
from tests.portal.test_urls import _Request

pytestmark = pytest.mark.django_db(transaction=True)


def admin_pages(admin_user) -> list[str]:
    paths = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        paths.append(changelist)
        if model_admin.has_add_permission(_Request(admin_user)):
            paths.append(f"{changelist}add/")
    return paths


def test_it_shows_an_administrator_every_admin_page_without_an_accessibility_violation(page, admin_user, team, member):
    # Given a member with a row in every inline of the user page, and a team with meetings
    ScopeFactory(user=member, municipality=team.area.municipality)
    ManagementFactory(user=member, area=team.area)
    schedule = ScheduleFactory(team=team)
    meeting = MeetingFactory(team=team)
    Notification.objects.create(
        recipient=member, kind=Kind.FEEDBACK_OVERDUE, key="k", link="/", email_given_up_at=timezone.now()
    )
    log_in(page, admin_user)
    change_pages = [
        f"/admin/accounts/user/{member.pk}/change/",
        f"/admin/teams/team/{team.pk}/change/",
        f"/admin/teams/area/{team.area.pk}/change/",
        f"/admin/teams/region/{team.area.municipality.region.pk}/change/",
        f"/admin/teams/processleaderscope/{member.process_leader_scopes.get().pk}/change/",
        f"/admin/meetings/meetingschedule/{schedule.pk}/change/",
        f"/admin/meetings/meeting/{meeting.pk}/change/",
        f"/admin/accounts/twofactormethod/{TwoFactorMethod.objects.filter(user=member).get().pk}/change/",
        f"/admin/accounts/loginsession/{LoginSession.objects.filter(user=admin_user).get().pk}/change/",
        "/admin/notifications/undelivered-emails/",
    ]

    for path in admin_pages(admin_user) + change_pages:
        # When they open it, in Swedish
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "sv", path
        # (select2 builds the autocomplete fields in a jQuery ready handler, which may run after
        # the load event page.goto waits for; static/js/admin.js names them after it)
        page.wait_for_function("!document.querySelector('.select2-selection[aria-labelledby]')")

        # Then axe finds nothing
        check_a11y(page)
