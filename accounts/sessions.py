"""Session lifetime rules: 15 minutes idle and 12 hours in all (ASVS L3 values), configurable."""

import time

from django.conf import settings

STARTED_KEY = "hlt.session_started"
LAST_SEEN_KEY = "hlt.last_seen"
# Writing the session on every request costs a database write; a minute's precision is enough.
_TOUCH_INTERVAL = 30


def session_start(session) -> None:
    """Mark a fresh login: both clocks start now."""
    now = time.time()
    session[STARTED_KEY] = now
    session[LAST_SEEN_KEY] = now


def session_expiry_reason(session) -> str | None:
    """'idle' or 'max' when the session has run out, else None."""
    now = time.time()
    started = session.get(STARTED_KEY)
    last_seen = session.get(LAST_SEEN_KEY)
    if started is None or last_seen is None:
        return None
    if now - started >= settings.HLT_SESSION_MAX_HOURS * 3600:
        return "max"
    if now - last_seen >= settings.HLT_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


def session_touch(session, *, force: bool = False) -> None:
    """Record activity; the idle clock starts again."""
    now = time.time()
    if STARTED_KEY not in session:
        session_start(session)
    elif force or now - session.get(LAST_SEEN_KEY, 0) >= _TOUCH_INTERVAL:
        session[LAST_SEEN_KEY] = now
