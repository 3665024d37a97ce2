"""Writes for a meeting's agenda, its minutes and closing it. Each service is one transaction and
records its timeline events on the cases it touches (ids only).

Locks are taken in one order everywhere — the meeting row, then case rows in primary-key order,
then agenda items — so the agenda, the minutes and closing cannot deadlock with each other or with
a consent change (which locks the case, then takes its items off the agenda through the receiver).

By concern: `guards` (who may, which meeting state), `agenda` (adding, removing, ordering, locking),
`minutes` (attendance, minutes, closing, addenda). Every public name is re-exported here, so
`from meetings import services; services.<name>` keeps working.
"""

from meetings.services.agenda import (
    agenda_follow_up_add,
    agenda_follow_up_remove,
    agenda_item_add,
    agenda_item_mark_removed,
    agenda_item_remove,
    agenda_item_update,
    agenda_lock,
    agenda_reorder,
    agenda_unlock,
)
from meetings.services.guards import (
    DOWN,
    UP,
    ActionInput,
    meeting_day,
)
from meetings.services.minutes import (
    addendum_add,
    attendance_record,
    meeting_close,
    minutes_record,
)
from meetings.tasks import feedback_letter_render_task

__all__ = [
    "ActionInput",
    "DOWN",
    "UP",
    "addendum_add",
    "agenda_follow_up_add",
    "agenda_follow_up_remove",
    "agenda_item_add",
    "agenda_item_mark_removed",
    "agenda_item_remove",
    "agenda_item_update",
    "agenda_lock",
    "agenda_reorder",
    "agenda_unlock",
    "attendance_record",
    "feedback_letter_render_task",
    "meeting_close",
    "meeting_day",
    "minutes_record",
]
