from django.urls import path

from support import views

# Every page belongs to a case the policy let the user see: arenden/<case id>/...
app_name = "support"
urlpatterns = [
    path("arenden/<uuid:case_id>/insatser/ny/", views.intervention_new, name="intervention_new"),
    path("arenden/<uuid:case_id>/insatser/fran-motet/", views.interventions_from_meeting, name="from_meeting"),
    path("arenden/<uuid:case_id>/insatser/<int:intervention_id>/", views.intervention_edit, name="intervention"),
    path(
        "arenden/<uuid:case_id>/insatser/<int:intervention_id>/status/",
        views.intervention_status,
        name="intervention_status",
    ),
    path(
        "arenden/<uuid:case_id>/insatser/<int:intervention_id>/utvardering/",
        views.intervention_evaluate,
        name="intervention_evaluate",
    ),
    path("arenden/<uuid:case_id>/uppfoljningar/ny/", views.follow_up_new, name="follow_up_new"),
    path("arenden/<uuid:case_id>/uppfoljningar/<int:follow_up_id>/", views.follow_up_record, name="follow_up"),
    path(
        "arenden/<uuid:case_id>/uppfoljningar/<int:follow_up_id>/avboka/",
        views.follow_up_cancel,
        name="follow_up_cancel",
    ),
]
