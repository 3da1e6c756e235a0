"""Co-author invitations: a person named as co-author is asked first.

Until they accept they are only invited: no rights on the story, and free to review it. Kept
apart from `stories.models` (which imports this module at its end) to keep each file readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contributors.models import Contributor


class CoAuthorInvitation(models.Model):
    story = models.ForeignKey(
        "stories.Story", on_delete=models.CASCADE, related_name="invitations", verbose_name=_("story")
    )
    contributor = models.ForeignKey(
        Contributor,
        on_delete=models.CASCADE,
        related_name="co_author_invitations",
        verbose_name=_("invited co-author"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)

    class Meta:
        verbose_name = _("co-author invitation")
        verbose_name_plural = _("co-author invitations")
        ordering = ("created_at", "pk")
        constraints = (
            models.UniqueConstraint(
                fields=("story", "contributor"), name="one_invitation_per_story_and_person"
            ),
        )

    def __str__(self) -> str:
        return f"{self.contributor} → {self.story}"
