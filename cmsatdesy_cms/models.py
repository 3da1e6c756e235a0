from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last sign of life of one worker or of beat, so /healthz can tell whether they run.

    Written by the process itself (see ``cmsatdesy_cms.heartbeat``): one row per process,
    updated in place.
    """

    class Process(models.TextChoices):
        WORKER = "worker", _("worker")
        # A worker that consumes the video queue (conversions), often a process of its own.
        VIDEO = "video", _("video worker")
        BEAT = "beat", _("scheduler")

    process = models.CharField(_("process"), max_length=10, choices=Process.choices)
    hostname = models.CharField(_("host name"), max_length=200)
    seen_at = models.DateTimeField(_("seen at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")
        ordering = ["-seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["process", "hostname"], name="one_heartbeat_per_process"),
        ]

    def __str__(self) -> str:
        return f"{self.process} {self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
