"""Notices written before story e-mail went through contributors.mail keep their record, and
those still waiting are sent (once) by the e-mail sweep, in their recipient's language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from contributors.tests.factories import contributor_user, outreach_user
from stories.models import Status
from stories.tests.factories import story_in

BEFORE = [("stories", "0008_story_video")]
AFTER = [("stories", "0009_notice_sent_by_outgoing_email")]


@pytest.mark.usefixtures("notices_sent_here")
@pytest.mark.django_db(transaction=True)
def test_waiting_sent_and_given_up_notices_each_get_an_email_row() -> None:
    author = contributor_user()
    author.contributor.language = "de"
    author.contributor.save()
    reviewer = outreach_user()
    story = story_in(Status.APPROVED, author=author.contributor, reviewer=reviewer, title="Myonen")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Notice = old.get_model("stories", "Notice")
    Notice.objects.all().delete()
    long_ago = timezone.now() - timedelta(hours=1)
    common: dict[str, Any] = {"story_id": story.pk, "recipient_id": author.pk, "actor_id": reviewer.pk}
    waiting = Notice.objects.create(kind="approve", state="pending", attempts=3, last_error="down", **common)
    Notice.objects.create(kind="comment", state="sent", attempts=1, sent_at=long_ago, **common)
    Notice.objects.create(kind="reject", state="failed", attempts=20, **common)
    Notice.objects.filter(pk=waiting.pk).update(created_at=long_ago)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.conf import settings

    from contributors.mail import requeue_waiting_emails
    from stories.models import Notice as NoticeNow

    rows = {n.kind: n.email for n in NoticeNow.objects.select_related("email").filter(story=story)}
    assert set(rows) == {"approve", "comment", "reject"}
    assert rows["approve"].sent_at is None and rows["approve"].attempts == 3
    assert rows["approve"].subject == "[cmsatdesy] Freigegeben: Myonen"
    assert f"/stories/{story.pk}/" in rows["approve"].body_text
    assert rows["comment"].sent_at is not None and rows["comment"].body_text == ""
    assert rows["reject"].sent_at is None and rows["reject"].attempts >= settings.EMAIL_MAX_ATTEMPTS
    # The sweep sends the waiting one, and only that one, once.
    mail.outbox.clear()
    assert requeue_waiting_emails() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [([author.email], "[cmsatdesy] Freigegeben: Myonen")]
    assert requeue_waiting_emails() == 0
