"""The case timeline speaks in words: every event a service records has a label."""

import re
from pathlib import Path

from cases.selectors import EVENT_LABELS

ROOT = Path(__file__).resolve().parents[2]
APPS = ["cases", "consent", "meetings", "support", "sip"]


def test_every_recorded_event_has_a_timeline_label():
    recorded = {
        action
        for app in APPS
        for source in (ROOT / app).glob("*.py")
        for action in re.findall(r'action="([a-z_]+\.[a-z_]+)"', source.read_text(encoding="utf-8"))
    }
    assert recorded, "no events found: has the code moved?"
    assert recorded - set(EVENT_LABELS) == set()
