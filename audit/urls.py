from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.home, name="home"),
    path("barn/", views.child_search, name="child_log"),
    path("anvandare/", views.user_log_view, name="user_log"),
    path("granskningar/ny/", views.review_new, name="review_new"),
    path("granskningar/<int:review_id>/", views.review_detail, name="review"),
    path("granskningar/<int:review_id>/poster/<int:item_id>/", views.item_result, name="item_result"),
    path("granskningar/<int:review_id>/rapport.<str:fmt>", views.review_report, name="report"),
]
