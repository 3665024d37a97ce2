"""Signals other apps listen to, so that dependencies point one way (teams ← cases ← consent, meetings).

`case_status_changed` is sent inside the transaction that moved the case, after the move, with
`case`, `previous` (the old status) and `actor`. The meetings app uses it to take a case off its
agenda when consent lapses or the case is closed, whichever service made the move.
"""

from django.dispatch import Signal

case_status_changed = Signal()
