"""The project's URLs plus one view that fails, to see the 500 page as people would."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cmsatdesy_cms.urls import urlpatterns as project_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("crash/", crash), *project_urlpatterns]
