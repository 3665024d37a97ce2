"""Working days on a Swedish server. The `holidays` package names holidays in the language of the
server's locale, so nothing may depend on those names: these tests run the calendar with
LANG=sv_SE.UTF-8, with the locale unset and with C.UTF-8, and expect the same closed days."""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from hlt import workdays
from meetings.models import MeetingSchedule
from meetings.scheduling import meeting_day

ROOT = Path(__file__).resolve().parents[2]
# Midsummer Eve, Christmas Eve and New Year's Eve 2026, kept closed although not public holidays.
EVES_2026 = {date(2026, 6, 19), date(2026, 12, 24), date(2026, 12, 31)}
PRINT_CLOSED = (
    "import json; from hlt.workdays import _closed_days; "
    "print(json.dumps(sorted(str(day) for year in (2025, 2026, 2027) for day in _closed_days(year))))"
)


@pytest.fixture
def swedish_locale(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    workdays._closed_days.cache_clear()
    yield
    workdays._closed_days.cache_clear()


def closed_days_in_a_fresh_process(env_lang: str | None) -> list[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LANG", "LC_"))}
    if env_lang is not None:
        env["LANG"] = env_lang
    result = subprocess.run(
        [sys.executable, "-c", PRINT_CLOSED], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_closed_days_are_the_same_whatever_the_servers_locale():
    english = closed_days_in_a_fresh_process("C.UTF-8")

    assert closed_days_in_a_fresh_process("sv_SE.UTF-8") == english
    assert closed_days_in_a_fresh_process(None) == english
    assert {str(day) for day in EVES_2026} <= set(english)


def test_under_a_swedish_locale_the_eves_are_closed_and_deadlines_skip_them(swedish_locale):
    assert not any(workdays.is_working_day(day) for day in EVES_2026)
    # Thursday 18 June 2026 plus one working day skips Midsummer Eve and the weekend.
    assert workdays.add_working_days(date(2026, 6, 18), 1) == date(2026, 6, 22)
    assert workdays.next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)


def test_under_a_swedish_locale_a_meeting_on_midsummer_eve_moves_to_the_next_working_day(swedish_locale):
    schedule = MeetingSchedule(week_of_month=3, weekday=4, holiday_rule="move")  # third Friday: 19 June 2026

    assert meeting_day(schedule=schedule, month=date(2026, 6, 1)) == date(2026, 6, 22)
