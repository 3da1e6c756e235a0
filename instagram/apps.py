from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstagramConfig(AppConfig):
    name = "instagram"
    verbose_name = _("Instagram")
