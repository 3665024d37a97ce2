"""The LOGGING setting, kept out of settings.py: a fixed shape with two values from the environment."""

from django.core.exceptions import ImproperlyConfigured


def logging_config(*, level: str, log_format: str = "text") -> dict:
    """Console lines at `level`: one JSON object each (hlt/logs.py) or plain text for the demo and a developer.
    Log lines carry ids and codes, never names or identity numbers."""
    if log_format not in ("json", "text"):
        raise ImproperlyConfigured("HLT_LOG_FORMAT must be json or text.")
    formatter = (
        {"()": "hlt.logs.JsonFormatter"}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.security.DisallowedHost": {"level": "ERROR"},
            # WeasyPrint and fontTools report every layout step at INFO.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
