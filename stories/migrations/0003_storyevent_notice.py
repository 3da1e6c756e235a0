"""The audit trail holds every change (StoryTransition → StoryEvent with a kind), and e-mail
notices are rows sent by a worker."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The action that led to each state, for rows written before rows had a kind.
_KIND_BY_TARGET = {
    "submitted": "submit",
    "resubmitted": "resubmit",
    "in_review": "start_review",
    "changes_requested": "request_changes",
    "approved": "approve",
    "rejected": "reject",
    "withdrawn": "withdraw",
}


def name_the_kinds(apps: Any, schema_editor: Any) -> None:
    StoryEvent = apps.get_model("stories", "StoryEvent")
    for event in StoryEvent.objects.all().iterator():
        if not event.from_status:
            event.kind = "created"
        elif event.from_status == event.to_status:
            # The science sign-off was recorded as a move from a state to itself.
            event.kind = "science_signoff"
            event.from_status = event.to_status = ""
            event.text = ""
        else:
            event.kind = _KIND_BY_TARGET.get(event.to_status, "edited")
        event.save(update_fields=["kind", "from_status", "to_status", "text"])


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0002_storyimage_preview"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("StoryTransition", "StoryEvent"),
        migrations.RenameField("storyevent", "comment", "text"),
        migrations.AddField(
            model_name="storyevent",
            name="kind",
            field=models.CharField(db_index=True, default="", max_length=40, verbose_name="kind"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="storyevent",
            name="params",
            field=models.JSONField(blank=True, default=dict, verbose_name="details"),
        ),
        migrations.RunPython(name_the_kinds, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="storyevent",
            options={
                "ordering": ("created_at", "pk"),
                "verbose_name": "story event",
                "verbose_name_plural": "story events",
            },
        ),
        migrations.AlterField(
            model_name="storyevent",
            name="story",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="stories.story",
                verbose_name="story",
            ),
        ),
        migrations.AlterField(
            model_name="storyevent",
            name="text",
            field=models.TextField(blank=True, verbose_name="text"),
        ),
        migrations.AlterField(
            model_name="storyevent",
            name="to_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("in_review", "In review"),
                    ("changes_requested", "Changes requested"),
                    ("resubmitted", "Resubmitted"),
                    ("approved", "Approved"),
                    ("withdrawn", "Withdrawn"),
                    ("rejected", "Rejected"),
                ],
                max_length=20,
                verbose_name="to",
            ),
        ),
        migrations.CreateModel(
            name="Notice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=40, verbose_name="kind")),
                ("quote", models.TextField(blank=True, verbose_name="quoted text")),
                (
                    "state",
                    models.CharField(
                        choices=[("pending", "Waiting to be sent"), ("sent", "Sent"), ("failed", "Given up")],
                        db_index=True,
                        default="pending",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                ("claimed_until", models.DateTimeField(blank=True, null=True, verbose_name="claimed until")),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="next attempt")),
                ("last_error", models.TextField(blank=True, verbose_name="last error")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "comment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="stories.comment",
                        verbose_name="comment",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipient",
                    ),
                ),
                (
                    "story",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notices",
                        to="stories.story",
                        verbose_name="story",
                    ),
                ),
            ],
            options={
                "verbose_name": "e-mail notice",
                "verbose_name_plural": "e-mail notices",
                "ordering": ("created_at", "pk"),
            },
        ),
    ]
