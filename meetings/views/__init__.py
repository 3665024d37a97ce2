"""Meeting pages: the list, the meeting with its agenda and minutes, and the forms around them.

Each view asks the access policy for the meeting (or the case), calls one service and renders.
Members of the team see a meeting; its coordinator manages it. A page that names children writes
one access-log entry per child it names, besides the policy's entry for the meeting.

By concern: `helpers` (fetching and refusing), `meeting` (list, page, moving, cancelling), `agenda`,
`minutes` (attendance, minutes, closing, addenda), `feedback` (*Mina återkopplingar*, the feedback
record and letter), `calendar` (the iCalendar feeds). Every view is re-exported here for `meetings.urls`.
"""

from meetings.views.agenda import (
    agenda_item_edit,
    agenda_item_remove,
    agenda_item_reorder,
    agenda_lock,
    case_agenda_add,
)
from meetings.views.calendar import calendar_feed, calendar_feed_page, meeting_ics
from meetings.views.feedback import feedback_letter, feedback_record_view, my_feedback
from meetings.views.helpers import (
    PAGE_SIZE,
)
from meetings.views.meeting import (
    meeting_cancel,
    meeting_detail,
    meeting_list,
    meeting_move,
)
from meetings.views.minutes import (
    addendum_add,
    attendance_edit,
    meeting_close_view,
    minutes_edit,
)

__all__ = [
    "calendar_feed",
    "calendar_feed_page",
    "meeting_ics",
    "feedback_letter",
    "feedback_record_view",
    "my_feedback",
    "PAGE_SIZE",
    "addendum_add",
    "agenda_item_edit",
    "agenda_item_remove",
    "agenda_item_reorder",
    "agenda_lock",
    "attendance_edit",
    "case_agenda_add",
    "meeting_cancel",
    "meeting_close_view",
    "meeting_detail",
    "meeting_list",
    "meeting_move",
    "minutes_edit",
]
