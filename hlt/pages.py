"""The portal's form pages: one layout for a small form, and the one loop every form goes through.

The loop: a valid POST calls one service; a refusal (ValidationError) is shown on the form and the
page rendered again (services are atomic, so nothing is half saved); success adds a message and
redirects. Views say what to save, what to tell the user and where to go, nothing else.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from hlt.forms import add_service_errors


def form_page(request, *, form, title, submit="", case=None, intro="", **extra):
    """A page with one form, optionally under a case: the layout every small form in the portal uses.
    The button says `submit`, or the title when it says what the title says."""
    context = {"case": case, "form": form, "title": title, "intro": intro, "submit": submit or title, **extra}
    return render(request, "form_page.html", context)


def form_saved(
    request,
    form: forms.Form,
    *,
    save: Callable[[dict], Any],
    success: str | Callable[[Any], str],
    redirect_to: Any,
    also: Iterable = (),
) -> HttpResponse | None:
    """On a valid POST (`form` and every form set in `also`), call `save(form.cleaned_data)`.

    Returns the redirect after a save, with the `success` message; None when there is a page to show:
    a GET, an invalid form, or a refusal, which is then on the form. `success` and `redirect_to` may
    be functions of what `save` returned; `redirect_to` is anything `redirect()` takes, or a response.
    """
    if request.method != "POST" or not (form.is_valid() and all(other.is_valid() for other in also)):
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success(result) if callable(success) else success)
    target = redirect_to(result) if callable(redirect_to) else redirect_to
    return target if isinstance(target, HttpResponse) else redirect(target)


def form_flow(request, form: forms.Form, *, save, success, redirect_to, **page) -> HttpResponse:
    """`form_saved`, else the form on a `form_page` (`page`: title, submit, case, intro, ...)."""
    saved = form_saved(request, form, save=save, success=success, redirect_to=redirect_to)
    return saved if saved is not None else form_page(request, form=form, **page)
