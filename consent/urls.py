from django.urls import path

from consent import views

# Mounted under arenden/<uuid:case_id>/: every page belongs to a case the policy let the user see.
app_name = "consent"
urlpatterns = [
    path("vuxna/ny/", views.adult_new, name="adult_new"),
    path("vuxna/<int:adult_id>/", views.adult_edit, name="adult_edit"),
    path("vuxna/<int:adult_id>/samtyckesblankett.pdf", views.consent_form_download, name="form_pdf"),
    path("samtycke/nytt/", views.consent_new, name="new"),
    path("samtycke/undantag/", views.consent_exception, name="exception"),
    path("samtycke/<int:consent_id>/aterkalla/", views.consent_withdraw_view, name="withdraw"),
    path("samtycke/<int:consent_id>/dokument/", views.consent_document, name="document"),
    path("hamta/<uuid:source_id>/", views.carry_over, name="carry_over"),
]
