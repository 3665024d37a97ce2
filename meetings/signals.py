"""Signals other apps listen to when a meeting or its agenda changes, so that dependencies point one
way (cases ← meetings ← support). The support app uses them to keep follow-ups planned at a meeting
in step with it (`support.receivers`).

Each is sent inside the transaction of the service that made the change, after the change, so a
receiver's writes commit or roll back with it. The rows the service locked (the meeting, the cases
on its agenda, the items) stay locked; a receiver locks what it writes after them.

- `meeting_moved`: `meeting` (with its new time) and `actor` (None when a changed schedule moved
  it). Sent by `meeting_move`, and by `schedule_apply` for each meeting it gave a new time.
- `meeting_cancelled`: `meeting`, `moved_to` (the team's next meeting, where the planned items
  went; None when there was none and they were taken off) and `actor`. Sent by `meeting_cancel`.
  A follow-up item of a case already waiting on `moved_to` for a follow-up was merged into that
  item, so "the case has a planned follow-up item on `moved_to`" says where its follow-ups go.
- `agenda_item_removed`: `item` (already marked removed, with its `removal_reason`) and `actor`.
  Sent when one planned item is taken off an agenda: by hand (`agenda_item_remove`) or because the
  case's consent ends before the moved meeting's new day. Not sent by `agenda_follow_up_remove`,
  whose caller (cancelling a follow-up) does the rest itself, nor for items that leave with a
  cancelled meeting (`meeting_cancelled` covers them).
"""

from django.dispatch import Signal

meeting_moved = Signal()
meeting_cancelled = Signal()
agenda_item_removed = Signal()
