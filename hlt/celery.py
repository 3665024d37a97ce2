"""The Celery app. The beat schedule lives here, in code, so it is reviewed like code.

Run exactly one beat per deployment (docker-compose has one `beat` service; the demo embeds it
in its single worker). Deadlines themselves live in database columns: beat only sweeps them.
"""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab
from celery.signals import before_task_publish, task_postrun, task_prerun

from hlt.heartbeat import HEARTBEAT_TASK, heartbeat_record
from hlt.logs import task_finished, task_started

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hlt.settings")

app = Celery("hlt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# One log line per task run (hlt/logs.py).
task_prerun.connect(task_started)
task_postrun.connect(task_finished)

app.conf.beat_schedule = {
    # Readiness (hlt/health.py) sees beat alive when it sends this and a worker alive when one runs it.
    # A heartbeat older than a minute says nothing a newer one does not: it expires unread.
    "health-heartbeat": {
        "task": "hlt.tasks.heartbeat_task",
        "schedule": crontab(),
        "options": {"expires": 60},
    },
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions_task",
        "schedule": crontab(minute=17, hour=3),
    },
    # Every kind of deadline (cases.deadline_kinds): reminders and escalations of the one-week
    # feedback and of follow-ups, and the reminder and expiry at the end of consent. The deadlines
    # are database columns; this only sweeps them, so a run lost with the broker is made up next time.
    "deadline-sweep": {
        "task": "cases.tasks.deadline_sweep_task",
        "schedule": crontab(minute="*/5"),
    },
    # Meetings generated from each team's schedule, months ahead.
    "generate-meetings": {
        "task": "meetings.tasks.meetings_generate_task",
        "schedule": crontab(minute=35, hour=2),
    },
    # The dashboards' summary: recent months every five minutes, so a figure is at most minutes old;
    # everything nightly, for corrections back in time. A lost run is made up by the next one.
    "dashboard-summary-refresh": {
        "task": "dashboards.tasks.summary_refresh_task",
        "schedule": crontab(minute="*/5"),
    },
    "dashboard-summary-rebuild": {
        "task": "dashboards.tasks.summary_rebuild_task",
        "schedule": crontab(minute=50, hour=2),
    },
    # E-mails whose next try has come: refused by the relay, lost with the broker or never sent by a
    # dead worker (notifications/delivery.py). Every minute, as the first retry comes after one; the
    # query reads a partial index of the few unsent rows.
    "requeue-unsent-notifications": {
        "task": "notifications.tasks.requeue_unsent_notifications_task",
        "schedule": crontab(),
    },
    # --- Lawful operation (issue 16, h-law) ---------------------------------------------------
    # Next months' access-log partitions, daily, though they are made months ahead: idempotent.
    "access-log-partitions-create": {
        "task": "access.tasks.log_partitions_create_task",
        "schedule": crontab(minute=11, hour=1),
    },
    # Whole months of the access log past their retention period, dropped once a month.
    "access-log-partitions-drop": {
        "task": "access.tasks.log_partitions_drop_task",
        "schedule": crontab(minute=23, hour=1, day_of_month=2),
    },
}


@app.on_after_configure.connect
def _make_broker_folders(sender, **kwargs):
    # The filesystem transport of the demo needs its folders before the first message.
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = (sender.conf.broker_transport_options or {}).get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


@before_task_publish.connect
def _beat_heartbeat(sender=None, **kwargs):
    # Runs in the process that sends the task: beat, the only sender of the heartbeat.
    if sender == HEARTBEAT_TASK:
        heartbeat_record("beat")
