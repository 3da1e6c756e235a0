from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = _("Stories")

    def ready(self) -> None:
        from .panels import register_story_panel
        from .video_panel import video_panel

        register_story_panel(video_panel)
