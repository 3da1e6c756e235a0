from django.urls import path

from . import views

app_name = "contributors"

urlpatterns = [
    path("", views.profile_edit, name="profile"),
]
