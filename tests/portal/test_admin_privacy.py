"""Django admin never shows a child's or a guardian's name or identity number.

Administrators run the structure. Where Django lists the rows a deletion would take with it or that
block it, rows holding case data appear as a count per kind, and nothing registered in admin can
show, filter or search them.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ImproperlyConfigured

from cases.models import Adult, Child, ProtectionLevel
from hlt.admin_site import CaseDataAsCountsMixin, HltAdminSite
from notifications.models import Kind, Notification
from teams.admin import TeamAdmin
from teams.models import Team, Unit
from tests.factories import AdultFactory, CaseFactory, ChildFactory, UnitFactory

pytestmark = pytest.mark.django_db

FAMILIES = [
    # (child's first name, last name, protection, guardian's first name)
    ("Tindra", "Lindqvistsson", ProtectionLevel.NONE, "Birgitta"),
    ("Melvin", "Åkerbladh", ProtectionLevel.NONE, "Gunnvor"),
    ("Saga", "Skyddadsdotter", ProtectionLevel.PROTECTED_REGISTRATION, "Ylva"),
]


@pytest.fixture
def school(team):
    return UnitFactory(name="Ålidhemsskolan", municipality=team.area.municipality)


@pytest.fixture
def families(school, team, member):
    """Three children at `school`, one with protected registration, each with a case started by the
    school's staff that registered the school and a guardian."""
    children = []
    for first_name, last_name, protection, guardian in FAMILIES:
        child = ChildFactory(first_name=first_name, last_name=last_name, protection=protection)
        case = CaseFactory(child=child, team=team, initiator=member, initiator_unit=school, school_unit=school)
        AdultFactory(case=case, first_name=guardian, last_name=f"{last_name}-Mor")
        children.append(child)
    return children


def personal_data(children) -> list[str]:
    """Everything that would identify the families: names and identity numbers in both forms."""
    found = []
    for child in children:
        found += [child.first_name, child.last_name, child.identity_number, child.identity_display]
        for adult in Adult.objects.filter(case__child=child):
            found += [adult.first_name, adult.last_name]
    return found


def leaks(response, children) -> list[str]:
    html = response.content.decode()
    return [text for text in personal_data(children) if text in html]


def bulk_delete(client, unit, **extra):
    return client.post(
        "/admin/teams/unit/", {"action": "delete_selected", "_selected_action": [unit.pk], **extra}, follow=True
    )


def test_it_names_no_child_guardian_or_identity_number_on_a_units_delete_page(client, admin_user, school, families):
    client.force_login(admin_user)

    response = client.get(f"/admin/teams/unit/{school.pk}/delete/")

    assert response.status_code == 200
    assert leaks(response, families) == []


def test_it_says_how_many_cases_block_the_deletion_of_a_unit(client, admin_user, school, families):
    client.force_login(admin_user)

    html = client.get(f"/admin/teams/unit/{school.pk}/delete/").content.decode()

    assert "HLT-ärende: 3 poster" in html


def test_it_refuses_to_delete_a_unit_children_are_registered_at(client, admin_user, school, families):
    client.force_login(admin_user)

    response = client.post(f"/admin/teams/unit/{school.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200
    assert Unit.objects.filter(pk=school.pk).exists()
    assert leaks(response, families) == []
    assert not LogEntry.objects.exists()


def test_it_names_no_child_guardian_or_identity_number_when_deleting_selected_units(
    client, admin_user, school, families
):
    client.force_login(admin_user)

    response = bulk_delete(client, school)

    assert response.status_code == 200
    assert leaks(response, families) == []
    assert "HLT-ärende: 3 poster" in response.content.decode()


def test_it_refuses_to_delete_selected_units_children_are_registered_at(client, admin_user, school, families):
    client.force_login(admin_user)

    response = bulk_delete(client, school, post="yes")

    assert Unit.objects.filter(pk=school.pk).exists()
    assert leaks(response, families) == []
    assert "HLT-ärende: 3 poster" in response.content.decode()


def test_it_counts_a_case_whatever_field_points_at_the_unit(client, admin_user, school, families, team, member):
    # Given a fourth child's case listing the unit as health centre rather than school
    child = ChildFactory(first_name="Otto", last_name="Vårdcentralsson")
    CaseFactory(child=child, team=team, initiator=member, health_centre=school)
    client.force_login(admin_user)

    response = client.get(f"/admin/teams/unit/{school.pk}/delete/")

    assert "HLT-ärende: 4 poster" in response.content.decode()
    assert leaks(response, Child.objects.all()) == []


def test_it_still_names_the_structure_that_blocks_a_deletion(client, admin_user, member, families):
    # The member's home unit is kept by their membership: administrators need to know whose.
    client.force_login(admin_user)
    home_unit = member.memberships.get().home_unit

    html = client.get(f"/admin/teams/unit/{home_unit.pk}/delete/").content.decode()

    assert "Maja Medlem" in html


def test_it_counts_the_case_data_deleted_with_a_user(client, admin_user, colleague, families):
    # Given a colleague named on a case and told about it in a notice
    case = families[0].cases.get()
    case.named.create(user=colleague)
    Notification.objects.create(recipient=colleague, kind=Kind.FEEDBACK_DUE_SOON, key="k", link=f"/arenden/{case.pk}/")
    client.force_login(admin_user)

    # When the administrator opens the colleague's delete page
    html = client.get(f"/admin/accounts/user/{colleague.pk}/delete/").content.decode()

    # Then the case's rows are counted, the case is not named, and the deletion may go ahead
    assert "Namngiven användare: 1 post" in html
    assert "Notis: 1 post" in html
    assert case.reference not in html
    assert str(case.pk) not in html
    assert 'name="post" value="yes"' in html


def test_it_gives_every_registered_admin_the_counting_rule():
    not_counting = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, CaseDataAsCountsMixin)
    ]
    assert not_counting == []


def test_it_refuses_an_admin_for_rows_holding_case_data():
    with pytest.raises(ImproperlyConfigured):
        HltAdminSite(name="test").register(Child)


def test_it_refuses_an_admin_that_would_search_or_filter_by_case_data():
    class SearchingTeamAdmin(TeamAdmin):
        search_fields = ["name", "cases__child__last_name"]

    class FilteringTeamAdmin(TeamAdmin):
        list_filter = ["cases__child"]

    for admin_class in (SearchingTeamAdmin, FilteringTeamAdmin):
        with pytest.raises(ImproperlyConfigured):
            HltAdminSite(name="test").register(Team, admin_class)
