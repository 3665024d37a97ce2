from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from notifications.selectors import notification_list
from notifications.services import notifications_mark_read


@login_required
def inbox(request):
    """The user's own notices, newest first; the ones shown are marked read (the header's count,
    rendered afterwards, counts the rest). They hold no personal data."""
    page = Paginator(notification_list(user=request.user), 25).get_page(request.GET.get("sida"))
    unread_ids = {n.pk for n in page.object_list if n.read_at is None}
    notifications_mark_read(user=request.user, ids=unread_ids)
    return render(request, "notifications/inbox.html", {"page": page, "unread_ids": unread_ids, "query": ""})
