from django.urls import path

from sip import views

# Mounted under arenden/<uuid:case_id>/ (one SIP per case: the case id is the only id in these paths).
app_name = "sip"
urlpatterns = [
    path("sip/", views.sip_detail, name="detail"),
    path("sip/ny/", views.sip_new, name="new"),
    path("sip/andra/", views.sip_edit, name="edit"),
    path("sip/faststall/", views.sip_establish_view, name="establish"),
    path("sip/avsluta/", views.sip_end_view, name="end"),
    path("sip/historik/", views.sip_history, name="history"),
    path("sip/plan.pdf", views.sip_pdf, name="pdf"),
    path("sip/kallelse.pdf", views.sip_invitation, name="invitation"),
]
