"""Admin's form controls have names where Django renders them without a label: the rows of a tabular
inline sit under column headers, which name nothing to assistive technology (the browser walk in
tests/browser/test_admin_a11y.py checks the pages with axe)."""

import re

import pytest

from tests.factories import ManagementFactory, ScopeFactory

pytestmark = pytest.mark.django_db


def test_it_names_each_control_in_the_inline_rows_of_a_users_page(client, admin_user, team, member):
    ScopeFactory(user=member, municipality=team.area.municipality)
    ManagementFactory(user=member, area=team.area)
    client.force_login(admin_user)

    html = client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()

    for prefix in ["memberships", "process_leader_scopes", "management_groups"]:
        assert re.search(rf'<input type="checkbox" name="{prefix}-0-DELETE"[^>]*aria-label="Radera"', html), prefix
    assert re.search(r'<select name="memberships-0-role"[^>]*aria-label="Roll"', html)
