"""Optional error reporting to a self-hosted Sentry-compatible server (SENTRY_DSN; off when unset).

What is sent is scrubbed first (`scrub`): no request body, cookies, headers or query string, no local
variables, no exception messages (they may quote a name or an identity number), no user but the id."""

_SCRUBBED = "[scrubbed]"
_KEPT_HEADERS = {"user-agent", "x-request-id"}


def scrub(event: dict, hint=None) -> dict:
    request = event.get("request") or {}
    for key in ("data", "cookies", "query_string", "env"):
        request.pop(key, None)
    if "headers" in request:
        request["headers"] = {k: v for k, v in request["headers"].items() if k.lower() in _KEPT_HEADERS}
    if "url" in request:
        request["url"] = request["url"].split("?", 1)[0]
    if "user" in event:
        event["user"] = {"id": event["user"].get("id")} if event["user"].get("id") else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = _SCRUBBED
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    if "logentry" in event:
        event["logentry"].pop("params", None)
    event.pop("extra", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        crumb.pop("data", None)
        crumb.pop("message", None)
    return event


def error_reporting_init(dsn: str, *, environment: str) -> None:
    import sentry_sdk  # only when configured: the portal does without it

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0,
        before_send=scrub,
        before_send_transaction=lambda event, hint: None,
    )
