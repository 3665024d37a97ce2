from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("ny/", views.case_new, name="new"),
    path("ny/uppgifter/", views.case_new_details, name="new_details"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/barn/", views.child_edit, name="child_edit"),
    path("<uuid:case_id>/avsluta/", views.case_close_view, name="close"),
    path("<uuid:case_id>/namngivna/", views.case_named_users, name="named"),
    path("<uuid:case_id>/namngivna/<int:user_id>/ta-bort/", views.case_unname, name="unname"),
]
