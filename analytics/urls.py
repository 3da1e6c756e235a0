from django.urls import path, register_converter

from . import views


class MonthConverter:
    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MonthConverter, "month")

app_name = "analytics"
urlpatterns = [
    path("analytics/", views.dashboard_view, name="dashboard"),
    path("analytics/csv/<slug:chart>.csv", views.chart_csv, name="chart_csv"),
    path("analytics/report/", views.report_latest, name="report_latest"),
    path("analytics/report/<month:month>/", views.report_view, name="report"),
    path("analytics/report/<month:month>/pdf/", views.report_pdf, name="report_pdf"),
]
