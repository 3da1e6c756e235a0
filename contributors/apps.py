from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributorsConfig(AppConfig):
    name = "contributors"
    verbose_name = _("People and results")

    def ready(self) -> None:
        from . import receivers  # noqa: F401
