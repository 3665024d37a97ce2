from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:level>/<int:pk>/", views.dashboard, name="dashboard"),
    path("<slug:level>/<int:pk>/export.<str:fmt>", views.export, name="export"),
]
