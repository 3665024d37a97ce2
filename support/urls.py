from django.urls import path

from support import views

# Mounted under arenden/<uuid:case_id>/: every page belongs to a case the policy let the user see.
app_name = "support"
urlpatterns = [
    path("insatser/ny/", views.intervention_new, name="intervention_new"),
    path("insatser/fran-motet/", views.interventions_from_meeting, name="from_meeting"),
    path("insatser/<int:intervention_id>/", views.intervention_edit, name="intervention"),
    path("insatser/<int:intervention_id>/status/", views.intervention_status, name="intervention_status"),
    path("insatser/<int:intervention_id>/utvardering/", views.intervention_evaluate, name="intervention_evaluate"),
    path("uppfoljningar/ny/", views.follow_up_new, name="follow_up_new"),
    path("uppfoljningar/<int:follow_up_id>/", views.follow_up_record, name="follow_up"),
    path("uppfoljningar/<int:follow_up_id>/avboka/", views.follow_up_cancel, name="follow_up_cancel"),
]
