"""Structured logs (README "Operations"): one line per request and per Celery task.

With HLT_LOG_FORMAT=json (the default outside demo mode) every log line is one JSON object. Lines carry
ids, codes, statuses and durations, never personal data: a request line names the route and the path
without its query string (paths hold opaque ids only), and an exception is logged by its class and its
frames, without its message, which may quote what a user typed."""

import json
import logging
import time
import traceback
from datetime import UTC, datetime

from django.utils.functional import empty

# The attributes every LogRecord has; anything else on a record came as `extra` and is logged.
_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_PLAIN = (str, int, float, bool, type(None))
request_logger = logging.getLogger("hlt.request")
task_logger = logging.getLogger("hlt.task")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Plain values only: an object's text may hold more than its id (Django's `request` extra
        # prints the full URL, query string and all).
        line.update(
            {
                key: value
                for key, value in vars(record).items()
                if key not in _RECORD_FIELDS and isinstance(value, _PLAIN)
            }
        )
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            line["exc_type"] = f"{kind.__module__}.{kind.__qualname__}"
            line["stack"] = [f"{frame.filename}:{frame.lineno} {frame.name}" for frame in traceback.extract_tb(trace)]
        return json.dumps(line, ensure_ascii=False)


def _user_id(request):
    """The signed-in user's id, when the request has already loaded its user: logging never loads the
    session itself (with Redis down that would fail the answer already given)."""
    user = getattr(request, "user", None)
    user = getattr(user, "_wrapped", user)
    if user is None or user is empty or not user.is_authenticated:
        return None
    return user.pk


class RequestLogMiddleware:
    """One line per request: request id, method, route, path, status, duration and user id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        fields = {
            "request_id": getattr(request, "request_id", None),
            "method": request.method,
            "route": (match.view_name if match else None),
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": _user_id(request),
        }
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        request_logger.log(
            level, "%s %s %s", request.method, fields["route"] or request.path, fields["status"], extra=fields
        )
        return response


_task_started: dict[str, float] = {}


def task_started(task_id=None, **kwargs):
    _task_started[task_id] = time.perf_counter()


def task_finished(task_id=None, task=None, state=None, **kwargs):
    """One line per task run: task id and name, final state and duration; never its arguments."""
    started = _task_started.pop(task_id, None)
    fields = {
        "task_id": task_id,
        "task": getattr(task, "name", None),
        "status": state,
        "duration_ms": None if started is None else round((time.perf_counter() - started) * 1000, 1),
    }
    task_logger.info("%s %s", fields["task"], state, extra=fields)
