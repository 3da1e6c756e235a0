from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        from contributors.panels import register_profile_panel
        from stories.panels import register_story_next_steps, register_story_panel
        from stories.signals import consent_withdrawn, story_approved

        from . import receivers
        from .panels import post_panel, story_list_post_steps, training_panel

        story_approved.connect(receivers.create_post_on_approval, dispatch_uid="scheduling-create-post")
        consent_withdrawn.connect(
            receivers.pull_post_on_consent_withdrawn, dispatch_uid="scheduling-pull-post"
        )
        register_story_panel(post_panel)
        register_story_next_steps(story_list_post_steps)
        register_profile_panel(training_panel)
