import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from access.log import log_access
from access.models import AccessLogEntry, AppendOnlyError, LogAction, Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(member):
    request = RequestFactory().get("/")
    request.user = member
    return log_access(request, action=LogAction.VIEW, outcome=Outcome.ALLOWED, object_type="teams.team", object_id=1)


def test_it_stores_the_time_in_utc(entry):
    assert entry.occurred_at.utcoffset().total_seconds() == 0


def test_it_refuses_to_change_an_entry(entry):
    entry.outcome = Outcome.DENIED
    with pytest.raises(AppendOnlyError):
        entry.save()


def test_it_refuses_to_delete_an_entry(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_it_refuses_bulk_updates_and_deletes(entry):
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().update(outcome=Outcome.DENIED)
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()


def test_it_is_guarded_by_postgresql_against_raw_updates(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE access_accesslogentry SET outcome = 'denied'")
    entry.refresh_from_db()
    assert entry.outcome == Outcome.ALLOWED


def test_it_is_guarded_by_postgresql_against_raw_deletes_of_recent_rows(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM access_accesslogentry")
    assert AccessLogEntry.objects.count() == 1


def test_it_keeps_entries_when_the_user_is_deleted(entry, member):
    user_id = member.pk
    member.delete()
    assert AccessLogEntry.objects.filter(pk=entry.pk, user_id=user_id).exists()


def test_it_is_read_only_in_admin(rf, admin_user, entry):
    request = rf.get("/admin/")
    request.user = admin_user
    model_admin = admin.site._registry[AccessLogEntry]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


def test_it_lets_an_administrator_search_the_log_in_admin(client, admin_user, entry):
    client.force_login(admin_user)
    response = client.get("/admin/access/accesslogentry/", {"q": "1"})
    assert response.status_code == 200
    assert "teams.team" in response.content.decode()
