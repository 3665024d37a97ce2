import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from hlt.demo import DEMO_ACCOUNTS
from teams.models import Area, Municipality, Team

pytestmark = pytest.mark.django_db


def test_it_seeds_vasterbotten_with_umeas_eight_areas(settings):
    settings.HLT_DEMO = True
    call_command("seed_demo")
    assert Municipality.objects.count() == 15
    umea_areas = set(Area.objects.filter(municipality__name="Umeå").values_list("name", flat=True))
    assert umea_areas == {"Ålidhem", "Holmsund", "Mariehem", "Ersboda", "Teg", "Hörnefors", "Backen", "Sävar"}
    assert Team.objects.filter(area__municipality__name__in=["Åsele", "Vindeln", "Vännäs", "Lycksele"]).count() == 4
    assert Team.objects.filter(name="HLT Anderstorp").exists()


def test_it_can_be_run_twice_without_duplicates(settings):
    settings.HLT_DEMO = True
    call_command("seed_demo")
    counts = (User.objects.count(), Team.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Team.objects.count()) == counts


def test_it_gives_every_demo_account_a_password_and_two_factor(settings):
    settings.HLT_DEMO = True
    call_command("seed_demo")
    for email, _name, _role in DEMO_ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.has_usable_password()
        assert user.authenticator_set.filter(type="totp").exists()


def test_it_refuses_to_seed_outside_demo_mode(settings):
    settings.HLT_DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_refuses_to_print_demo_codes_outside_demo_mode(settings):
    settings.HLT_DEMO = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo_accounts")


def test_it_prints_the_demo_accounts_and_a_code(settings, capsys):
    settings.HLT_DEMO = True
    call_command("demo_accounts")
    out = capsys.readouterr().out
    assert "medlem@hlt.example" in out
    assert "Current two-factor code" in out
