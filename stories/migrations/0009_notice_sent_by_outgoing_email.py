"""Story notices are sent by contributors.mail: each notice points to its OutgoingEmail.

Every existing notice gets one: a waiting one is rendered now, in its recipient's language, and
the e-mail sweep sends it; a sent one gets a sent row (its bodies empty, as after sending); a
given-up one a row with no attempts left. Then the notice's own sending fields go.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.urls import reverse


def _name(user):
    contributor = getattr(user, "contributor", None)
    if contributor is not None and contributor.display_name:
        return contributor.display_name
    return " ".join(part for part in (user.first_name, user.last_name) if part) or user.username


def _message(notice):
    from stories import emails

    user = notice.recipient
    contributor = getattr(user, "contributor", None)
    photo_number = None
    anchor = ""
    if notice.comment is not None:
        anchor = f"#comment-{notice.comment.pk}"
        if notice.comment.image is not None:
            photo_number = notice.comment.image.position + 1
    if notice.kind in emails.LINK_TO_MY_STORIES:
        link = f"{settings.PUBLIC_BASE_URL}{reverse('stories:mine')}#invitations"
    else:
        link = f"{settings.PUBLIC_BASE_URL}{reverse('stories:detail', args=[notice.story_id])}{anchor}"
    return emails.compose(
        kind=notice.kind,
        language=getattr(contributor, "language", None) or settings.LANGUAGE_CODE,
        to=user.email,
        recipient_name=_name(user),
        title=notice.story.title,
        actor_name=_name(notice.actor) if notice.actor else "",
        quote=notice.quote,
        link=link,
        photo_number=photo_number,
    )


def give_each_notice_an_email(apps, schema_editor):
    Notice = apps.get_model("stories", "Notice")
    OutgoingEmail = apps.get_model("contributors", "OutgoingEmail")
    notices = Notice.objects.select_related(
        "story", "recipient__contributor", "actor__contributor", "comment__image"
    ).order_by("pk")
    for notice in notices.iterator():
        row = OutgoingEmail(
            purpose=f"stories:{notice.kind}"[:120],
            to=notice.recipient.email,
            from_email=settings.DEFAULT_FROM_EMAIL,
            attempts=notice.attempts,
            last_failure=notice.last_error[:400],
            created_at=notice.created_at,
        )
        if notice.state == "pending" and notice.recipient.email and notice.recipient.is_active:
            message = _message(notice)
            row.subject = message.subject[:400]
            row.body_text = message.body
            row.body_html = message.alternatives[0][0]
        elif notice.state == "sent":
            row.subject = f"stories:{notice.kind}"
            row.sent_at = notice.sent_at or notice.created_at
        else:  # given up, or nobody to send it to any more
            row.subject = f"stories:{notice.kind}"
            row.attempts = max(notice.attempts, settings.EMAIL_MAX_ATTEMPTS)
        row.save()
        Notice.objects.filter(pk=notice.pk).update(email=row)


class Migration(migrations.Migration):
    dependencies = [
        ("contributors", "0004_merge_outgoing_email_and_author_ids"),
        ("stories", "0008_story_video"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="email",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="story_notice",
                to="contributors.outgoingemail",
                verbose_name="e-mail",
            ),
        ),
        migrations.RunPython(give_each_notice_an_email, migrations.RunPython.noop),
        migrations.RemoveField(model_name="notice", name="attempts"),
        migrations.RemoveField(model_name="notice", name="claimed_until"),
        migrations.RemoveField(model_name="notice", name="last_error"),
        migrations.RemoveField(model_name="notice", name="next_attempt_at"),
        migrations.RemoveField(model_name="notice", name="sent_at"),
        migrations.RemoveField(model_name="notice", name="state"),
    ]
