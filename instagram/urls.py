from django.urls import path

from . import views

app_name = "instagram"

urlpatterns = [
    path("", views.status, name="status"),
    path("connect/", views.connect, name="connect"),
    path("callback/", views.callback, name="callback"),
    path("test/", views.test_connection, name="test_connection"),
]
