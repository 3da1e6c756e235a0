"""What the team sees and does around publishing: publish now, retry, late posts, removal after
consent is withdrawn, and the notices that go with them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import formats, timezone, translation

from contributors.models import OutgoingEmail
from contributors.tests.factories import outreach_user
from instagram.models import Flavour
from scheduling import publishing
from scheduling import services as scheduling_services
from scheduling.models import BERLIN, Post, PostStatus
from scheduling.tests.publishing_helpers import due_post, publish_until_settled
from stories import services as story_services
from stories.tests.factories import PersonShownFactory

pytestmark = pytest.mark.django_db

MANAGE = ["instagram_basic", "instagram_content_publish", "instagram_manage_contents"]


def _team_client(people: dict[str, Any], language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(people["outreach"])
    return client


def _ours(emulator: Any, post: Post) -> list[dict[str, Any]]:
    return [item for item in emulator.published() if item["caption"] == post.caption]


def _unscheduled(public_media: Any) -> Post:
    post = due_post(public_media)
    Post.objects.filter(pk=post.pk).update(status=PostStatus.UNSCHEDULED, scheduled_at=None)
    post.refresh_from_db()
    return post


def test_publish_now_pressed_twice_publishes_once(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any, people: Any
) -> None:
    post = _unscheduled(public_media)
    client = _team_client(people)
    url = f"/calendar/posts/{post.pk}/publish_now/"
    first = client.post(url, {"when": "", "text": ""}, follow=True)
    assert "The post goes out to Instagram within a minute." in first.content.decode()
    second = client.post(url, {"when": "", "text": ""})
    assert second.status_code == 200
    assert "on its way to Instagram already" in second.content.decode()
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED
    assert len(_ours(graph_emulator, post)) == 1
    assert len(graph_emulator.calls(match="media_publish$", method="POST")) == 1
    assert post.transitions.filter(action="publish_now", actor=people["outreach"]).count() == 1
    # Pressed again once it is out: refused, nothing sent.
    third = client.post(url, {"when": "", "text": ""})
    assert "on its way to Instagram already, or out" in third.content.decode()
    assert len(_ours(graph_emulator, post)) == 1


def test_retry_pressed_twice_on_a_failed_post_publishes_once(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any, people: Any
) -> None:
    post = due_post(public_media)
    graph_emulator.add_fault("error", match="media_publish", code=4, subcode=2207051)
    post = publish_until_settled(post)
    assert post.status == PostStatus.FAILED
    client = _team_client(people)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Try publishing again" in page
    url = f"/calendar/posts/{post.pk}/retry/"
    client.post(url, {"when": "", "text": ""})
    client.post(url, {"when": "", "text": ""})
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED, post.reason
    assert len(_ours(graph_emulator, post)) == 1
    # One refused attempt, then one that went out, on the same container (still FINISHED).
    publishes = graph_emulator.calls(match="media_publish$", method="POST")
    assert len(publishes) == 2
    assert post.publish_steps.filter(call="create_container").count() == 1
    assert post.transitions.filter(action="retry").count() == 1


def test_a_post_ten_minutes_late_is_reported_to_the_team_once(
    demo_account: Any,
    publish_settings: Any,
    public_media: Any,
    graph_emulator: Any,
    people: Any,
    tasks_run_inline: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = due_post(public_media)
    on_time = due_post(public_media)
    Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - timedelta(minutes=11))
    german = outreach_user(username="grete")
    german.contributor.language = "de"
    german.contributor.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert publishing.tell_team_late_posts() == [post.pk]
        assert publishing.tell_team_late_posts() == []
        assert publishing.tell_team_late_posts(now=timezone.now() + timedelta(hours=1)) == [on_time.pk]
    late = [message for message in mail.outbox if message.subject.endswith("is not on Instagram yet")]
    to_mira = [message for message in late if message.to == [people["outreach"].email]]
    assert len(to_mira) == 2  # one for each late post, however often the sweep runs
    assert post.story.title in to_mira[0].subject
    assert f"/calendar/posts/{post.pk}/" in to_mira[0].body
    assert on_time.story.title in to_mira[1].subject
    assert "is still “Scheduled”" in to_mira[0].body
    # Each in the recipient's language, the state too.
    [to_grete, _second] = [message for message in mail.outbox if message.to == [german.email]]
    assert "Verspätet" in to_grete.subject
    assert "ist noch „Geplant“" in to_grete.body
    post.refresh_from_db()
    with translation.override("de"):
        when = formats.date_format(timezone.localtime(post.scheduled_at, BERLIN), "DATETIME_FORMAT")
    assert f"sollte am {when} (Europe/Berlin)" in to_grete.body


def test_your_story_is_live_goes_to_author_and_co_authors_with_the_link(
    demo_account: Any,
    publish_settings: Any,
    public_media: Any,
    graph_emulator: Any,
    people: Any,
    tasks_run_inline: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = due_post(public_media, author=people["contributor"].contributor)
    post.story.co_authors.add(people["other_contributor"].contributor)
    with django_capture_on_commit_callbacks(execute=True):
        post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED
    live = [message for message in mail.outbox if "Your story is live" in message.subject]
    assert sorted(message.to[0] for message in live) == sorted(
        [people["contributor"].email, people["other_contributor"].email]
    )
    assert all(post.permalink in message.body for message in live)
    # Stored once each, sent by the worker.
    assert OutgoingEmail.objects.filter(subject__contains="Your story is live").count() == 2


def _withdraw_consent(post: Post, people: Any) -> None:
    """Recorded by a colleague of Mira's, so Mira hears of it."""
    person = PersonShownFactory(image=post.story.images.first())
    story_services.consent_withdraw(person=person, user=outreach_user())


def _connect(demo_account: Any, graph_emulator: Any, *, login: str, scopes: list[str] | None) -> None:
    token = graph_emulator.create_token(login=login, scopes=scopes)["token"]
    demo_account.flavour = Flavour.FACEBOOK_LOGIN if login == "facebook" else Flavour.INSTAGRAM_LOGIN
    demo_account.set_token(token)
    demo_account.save()


def test_consent_withdrawn_removes_the_post_through_the_api_where_the_connection_allows_it(
    demo_account: Any,
    publish_settings: Any,
    public_media: Any,
    graph_emulator: Any,
    people: Any,
    tasks_run_inline: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = publish_until_settled(due_post(public_media))
    assert post.status == PostStatus.PUBLISHED
    _connect(demo_account, graph_emulator, login="facebook", scopes=MANAGE)
    with django_capture_on_commit_callbacks(execute=True):
        _withdraw_consent(post, people)
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED
    assert post.removed_at is not None and post.removed_by is None
    [record] = _ours(graph_emulator, post)
    assert record["deleted"] is True
    assert len(graph_emulator.calls(match=rf"^/{post.media_id}$", method="DELETE")) == 1
    assert any(post.story.title in m.subject and "Consent withdrawn" in m.subject for m in mail.outbox)
    page = _team_client(people).get(post.get_absolute_url()).content.decode()
    assert "by the app, through Instagram" in page


@pytest.mark.parametrize(("login", "scopes"), [("instagram", None), ("facebook", None)])
def test_consent_withdrawn_asks_the_team_to_remove_the_post_by_hand_otherwise(
    login: str,
    scopes: list[str] | None,
    demo_account: Any,
    publish_settings: Any,
    public_media: Any,
    graph_emulator: Any,
    people: Any,
    tasks_run_inline: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = publish_until_settled(due_post(public_media))
    _connect(demo_account, graph_emulator, login=login, scopes=scopes)
    with django_capture_on_commit_callbacks(execute=True):
        _withdraw_consent(post, people)
    post.refresh_from_db()
    assert post.status == PostStatus.TO_BE_REMOVED
    assert "Remove the post on Instagram by hand" in post.reason
    assert publishing.posts_waiting_for_removal(now=timezone.now() + timedelta(hours=1)) == []
    assert [item.get("deleted") for item in _ours(graph_emulator, post)] == [None]
    [notice] = [
        m for m in mail.outbox if "Consent withdrawn" in m.subject and m.to == [people["outreach"].email]
    ]
    assert "it must come off at once" in notice.body
    assert f"/calendar/posts/{post.pk}/" in notice.body
    client = _team_client(people)
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{post.permalink}"' in page
    assert "I removed it on Instagram" in page
    german = client.get(post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Bitte entfernen Sie den Beitrag von Hand auf Instagram" in german
    client.post(f"/calendar/posts/{post.pk}/removed_by_hand/", {"when": "", "text": ""})
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED
    assert post.removed_by == people["outreach"]
    assert timezone.now() - post.removed_at < timedelta(minutes=1)
    page = client.get(post.get_absolute_url()).content.decode()
    assert f"by {people['outreach'].get_username()}, by hand" in page


def test_a_removal_whose_wake_up_was_lost_is_handed_out_again_by_the_sweep(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any, people: Any
) -> None:
    post = publish_until_settled(due_post(public_media))
    _connect(demo_account, graph_emulator, login="facebook", scopes=MANAGE)
    # What the consent signal does; its after-commit wake-up of a worker never runs here: as if lost.
    scheduling_services.post_pull_for_consent(story_id=post.story_id, actor_id=None, photo_number=1)
    post.refresh_from_db()
    assert post.status == PostStatus.TO_BE_REMOVED
    assert publishing.posts_waiting_for_removal() == []  # a worker may still be on it
    later = timezone.now() + timedelta(minutes=2)
    assert publishing.posts_waiting_for_removal(now=later) == [post.pk]
    assert publishing.remove_from_instagram(post_id=post.pk) == "removed"
    assert publishing.posts_waiting_for_removal(now=later) == []
    assert [item.get("deleted") for item in _ours(graph_emulator, post)] == [True]
