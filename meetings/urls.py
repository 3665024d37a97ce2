from django.urls import path

from meetings import views

app_name = "meetings"
urlpatterns = [
    # Meetings, their agenda and minutes (views/meeting.py, agenda.py, minutes.py).
    path("moten/", views.meeting_list, name="list"),
    path("moten/<uuid:meeting_id>/", views.meeting_detail, name="detail"),
    path("moten/<uuid:meeting_id>/flytta/", views.meeting_move, name="move"),
    path("moten/<uuid:meeting_id>/stall-in/", views.meeting_cancel, name="cancel"),
    path("moten/<uuid:meeting_id>/dagordning/las/", views.agenda_lock, name="agenda_lock"),
    path("moten/<uuid:meeting_id>/dagordning/<int:item_id>/", views.agenda_item_edit, name="item"),
    path("moten/<uuid:meeting_id>/dagordning/<int:item_id>/ordning/", views.agenda_item_reorder, name="item_reorder"),
    path("moten/<uuid:meeting_id>/dagordning/<int:item_id>/ta-bort/", views.agenda_item_remove, name="item_remove"),
    path("moten/<uuid:meeting_id>/dagordning/<int:item_id>/protokoll/", views.minutes_edit, name="minutes"),
    path("moten/<uuid:meeting_id>/narvaro/", views.attendance_edit, name="attendance"),
    path("moten/<uuid:meeting_id>/stang/", views.meeting_close_view, name="close"),
    path("moten/<uuid:meeting_id>/tillagg/", views.addendum_add, name="addendum"),
    path("arenden/<uuid:case_id>/dagordning/", views.case_agenda_add, name="agenda_add"),
    # Calendar (views.py).
    path("moten/<uuid:meeting_id>/hlt-mote.ics", views.meeting_ics, name="ics"),
    path("kalender/", views.calendar_feed_page, name="calendar"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="feed"),
    # The one-week feedback (views.py).
    path("aterkopplingar/", views.my_feedback, name="my_feedback"),
    path("aterkopplingar/<int:item_id>/", views.feedback_record_view, name="feedback"),
    path("aterkopplingar/<int:item_id>/brev.pdf", views.feedback_letter, name="letter"),
]
