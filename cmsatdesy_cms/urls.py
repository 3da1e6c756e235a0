from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from contributors import views as contributor_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("language/", contributor_views.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("contributors.urls")),
    path("instagram/", include("instagram.urls")),
    path("", include("stories.urls")),
    path("", include("scheduling.urls")),
    path("", include("analytics.urls")),
    path("admin/", admin.site.urls),
]

if "allauth.idp.oidc" in settings.INSTALLED_APPS:
    urlpatterns += [path("", include("allauth.idp.urls"))]

handler400 = "cmsatdesy_cms.views.bad_request"

admin.site.site_header = "cmsatdesy"
admin.site.site_title = "cmsatdesy"
