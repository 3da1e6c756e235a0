from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsatdesyCmsConfig(AppConfig):
    name = "cmsatdesy_cms"
    verbose_name = _("cmsatdesy")

    def ready(self) -> None:
        from . import lookups

        lookups.register()
