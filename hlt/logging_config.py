"""The LOGGING setting, kept out of settings.py: a fixed shape with one value from the environment."""


def logging_config(*, level: str) -> dict:
    """Plain lines on the console at `level`. Log lines carry ids and codes, never names or identity numbers."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.security.DisallowedHost": {"level": "ERROR"},
            # WeasyPrint and fontTools report every layout step at INFO.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
