from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from stories.panels import register_story_list_figures, register_story_panel

        from .panels import story_list_reach, story_reach_panel

        register_story_panel(story_reach_panel)
        register_story_list_figures(story_list_reach)
