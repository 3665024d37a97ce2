from django.urls import path

from sip import views

# One SIP per case: the case id is the only id in these paths.
app_name = "sip"
urlpatterns = [
    path("arenden/<uuid:case_id>/sip/", views.sip_detail, name="detail"),
    path("arenden/<uuid:case_id>/sip/ny/", views.sip_new, name="new"),
    path("arenden/<uuid:case_id>/sip/andra/", views.sip_edit, name="edit"),
    path("arenden/<uuid:case_id>/sip/faststall/", views.sip_establish_view, name="establish"),
    path("arenden/<uuid:case_id>/sip/avsluta/", views.sip_end_view, name="end"),
    path("arenden/<uuid:case_id>/sip/historik/", views.sip_history, name="history"),
    path("arenden/<uuid:case_id>/sip/plan.pdf", views.sip_pdf, name="pdf"),
    path("arenden/<uuid:case_id>/sip/kallelse.pdf", views.sip_invitation, name="invitation"),
]
