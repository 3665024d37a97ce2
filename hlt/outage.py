"""Telling an outage of Redis (cache, sessions, broker) from a bug, so the user hears "try again
in a moment" (503) instead of a technical error."""

from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeout

_UNAVAILABLE = (RedisConnectionError, RedisTimeout, BrokerUnavailable)


def is_outage(exc: BaseException | None) -> bool:
    """True when the exception, or one it was raised from, says Redis could not be reached."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, _UNAVAILABLE):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
