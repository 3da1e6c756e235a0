"""A scheduled post reaches Instagram (the emulator) once, whatever fails on the way."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from scheduling import publishing
from scheduling.models import Post, PostStatus, PublishStep
from scheduling.tests.publishing_helpers import due_post, publish_until_settled
from stories.models import Format

pytestmark = pytest.mark.django_db


def _ours(emulator: Any, post: Post) -> list[dict[str, Any]]:
    return [item for item in emulator.published() if item["caption"] == post.caption]


def _publish_calls(emulator: Any) -> list[dict[str, Any]]:
    return emulator.calls(match="media_publish$", method="POST")


def test_a_due_single_image_is_published_once_with_its_link(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media)
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED
    [media] = _ours(graph_emulator, post)
    assert post.media_id == media["media_id"]
    assert post.permalink == media["permalink"]
    assert media["alt_text"] == "Two physicists in front of the opened CMS detector."
    calls = [step.call for step in post.publish_steps.all()]
    assert calls == [
        "create_container", "read_status", "read_publishing_limit", "media_publish", "read_media",
    ]  # fmt: skip
    assert all(step.outcome == PublishStep.Outcome.OK for step in post.publish_steps.all())
    assert post.transitions.filter(to_status=PostStatus.PUBLISHED).count() == 1


def test_a_carousel_goes_out_as_one_album_with_its_items(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media, format=Format.CAROUSEL)
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED
    [media] = _ours(graph_emulator, post)
    assert media["media_type"] == "CAROUSEL_ALBUM"
    assert len(media["children"]) == 2
    assert len(post.child_container_ids) == 2


def test_a_story_goes_out_as_a_story(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media, format=Format.STORY)
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED
    [media] = [item for item in graph_emulator.published() if item["media_id"] == post.media_id]
    assert media["media_product_type"] == "STORY"


def test_a_post_not_yet_due_is_left_alone(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    post = due_post(public_media)
    Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() + timedelta(minutes=5))
    assert publishing.publish_due_posts() == []
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED
    assert graph_emulator.calls() == []


def test_fifty_transient_faults_in_a_row_end_in_one_publication(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media)
    graph_emulator.add_fault("transient", match="/media$", method="POST", count=50)
    post = publish_until_settled(post, rounds=80)
    assert post.status == PostStatus.PUBLISHED
    assert len(_ours(graph_emulator, post)) == 1
    assert len(_publish_calls(graph_emulator)) == 1
    assert post.retries == 50


def test_a_publish_whose_reply_is_lost_is_found_and_not_repeated(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media)
    graph_emulator.add_fault("publish_lost_reply")
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED
    [media] = _ours(graph_emulator, post)
    assert post.media_id == media["media_id"]
    assert post.permalink == media["permalink"]
    assert len(_publish_calls(graph_emulator)) == 1
    assert post.publish_steps.filter(call="list_media").exists()


def test_a_publish_that_went_live_but_answered_spam_block_ends_published(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media)
    graph_emulator.add_fault("publish_lost_reply", subcode=2207051)
    post = publish_until_settled(post)
    [refused] = post.publish_steps.filter(call="media_publish")
    assert (refused.outcome, refused.error_kind) == ("error", "permanent")
    assert "subcode 2207051" in refused.detail
    assert post.status == PostStatus.PUBLISHED
    assert len(_ours(graph_emulator, post)) == 1
    assert len(_publish_calls(graph_emulator)) == 1


def test_a_failed_status_read_after_an_attempt_never_leads_to_a_second_publish(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media)
    graph_emulator.add_fault("timeout", match="media_publish", seconds=4, effect=True)
    graph_emulator.add_fault("transient", match=r"^/\d+$", method="GET", count=3)
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED
    assert len(_ours(graph_emulator, post)) == 1
    assert len(_publish_calls(graph_emulator)) == 1


def test_a_fresh_container_that_reads_as_missing_is_waited_for(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media)
    graph_emulator.add_fault("error", match=r"^/\d+$", method="GET", code=100, subcode=33, count=2)
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED
    assert len(_publish_calls(graph_emulator)) == 1


def test_a_download_that_fails_once_is_tried_with_a_new_container(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media)
    graph_emulator.add_fault("error", match="/media$", method="POST", code=9004, subcode=2207052)
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED
    assert len(_publish_calls(graph_emulator)) == 1


def test_an_expired_container_is_replaced_by_a_new_one(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media)
    graph_emulator.add_fault("container_expired", match="/media$", method="POST")
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED
    assert post.publish_steps.filter(call="create_container").count() == 2
    assert len(_ours(graph_emulator, post)) == 1


def test_a_photo_instagram_refuses_fails_the_post_with_what_to_fix(
    demo_account: Any,
    publish_settings: Any,
    public_media: Any,
    graph_emulator: Any,
    people: Any,
    tasks_run_inline: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = due_post(public_media)
    graph_emulator.add_fault("error", match="/media$", method="POST", code=36003, subcode=2207009, count=5)
    with django_capture_on_commit_callbacks(execute=True):
        post = publish_until_settled(post)
    assert post.status == PostStatus.FAILED
    assert "aspect ratio" in post.reason
    assert _ours(graph_emulator, post) == []
    assert any("Not published" in message.subject for message in mail.outbox)


def test_a_used_up_publishing_limit_defers_with_a_visible_reason(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    first = publish_until_settled(due_post(public_media))
    assert first.status == PostStatus.PUBLISHED
    graph_emulator.configure(quota_total=1)  # the first post used it up
    post = due_post(public_media)
    publish_until_settled(post, rounds=3)
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHING
    assert "publishing limit" in post.reason
    assert len(_publish_calls(graph_emulator)) == 1  # the first post's only
    # The next attempt waits: another sweep now does not call Instagram again.
    before = len(graph_emulator.calls())
    publish_until_settled(post, rounds=2)
    assert len(graph_emulator.calls()) == before


def test_an_expired_token_pauses_all_publishing_with_one_message_to_the_team(
    demo_account: Any,
    publish_settings: Any,
    public_media: Any,
    graph_emulator: Any,
    people: Any,
    tasks_run_inline: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.cache import cache

    cache.delete_many([publishing.PAUSED_KEY, publishing.TOLD_KEY])
    posts = [due_post(public_media) for _ in range(3)]
    graph_emulator.add_fault("token_expired", count=None)
    with django_capture_on_commit_callbacks(execute=True):
        for post in posts:
            publish_until_settled(post, rounds=2)
    for post in posts:
        post.refresh_from_db()
        assert post.status == PostStatus.PUBLISHING
        assert "connect Instagram again" in post.reason
    assert len(graph_emulator.calls()) == 1  # the first refusal paused the others
    paused = [message for message in mail.outbox if "Publishing paused" in message.subject]
    recipients = [message.to[0] for message in paused]
    assert people["outreach"].email in recipients
    assert len(recipients) == len(set(recipients))  # one notice each, not one per post
    cache.delete_many([publishing.PAUSED_KEY, publishing.TOLD_KEY])


def test_the_token_never_appears_in_the_attempt_log(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    from graph_emulator import DEMO_TOKEN

    post = due_post(public_media)
    graph_emulator.add_fault("transient", count=3)
    post = publish_until_settled(post)
    for step in post.publish_steps.all():
        assert DEMO_TOKEN not in step.detail
    assert graph_emulator.tokens_in_urls() == []


def test_the_story_page_and_the_post_page_show_why_a_post_failed_and_its_calls(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any, people: Any
) -> None:
    from django.test import Client

    post = due_post(public_media, author=people["contributor"].contributor)
    graph_emulator.add_fault("error", match="/media$", method="POST", code=36004, subcode=2207010, count=5)
    post = publish_until_settled(post)
    author = Client()
    author.force_login(people["contributor"])
    story_page = author.get(f"/stories/{post.story_id}/").content.decode()
    assert "Failed" in story_page
    assert "The caption is too long: at most 2,200 characters. Shorten it." in story_page
    german = Client()
    german.force_login(people["contributor"])
    german.cookies["django_language"] = "de"
    german_page = german.get(f"/stories/{post.story_id}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Die Bildunterschrift ist zu lang: höchstens 2.200 Zeichen. Bitte kürzen." in german_page
    team = Client()
    team.force_login(people["outreach"])
    team.cookies["django_language"] = "de"
    post_page = team.get(post.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Aufrufe an Instagram" in post_page
    # What to fix, in the reader's language (stored once, by the worker).
    assert "Die Bildunterschrift ist zu lang: höchstens 2.200 Zeichen. Bitte kürzen." in post_page
    assert "create_container" in post_page
    [step] = post.publish_steps.filter(outcome="error")[:1]
    assert step.fbtrace_id and step.fbtrace_id in post_page


def test_the_story_page_links_a_published_post_on_instagram(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any, people: Any
) -> None:
    from django.test import Client

    post = publish_until_settled(due_post(public_media, author=people["contributor"].contributor))
    author = Client()
    author.force_login(people["contributor"])
    story_page = author.get(f"/stories/{post.story_id}/").content.decode()
    assert "Published" in story_page
    assert f'href="{post.permalink}"' in story_page


def test_a_refused_publish_is_checked_against_the_container_then_fails_with_what_to_do(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    post = due_post(public_media)
    graph_emulator.add_fault("error", match="media_publish", code=4, subcode=2207051)
    post = publish_until_settled(post)
    assert post.status == PostStatus.FAILED
    assert "suspected spam" in post.reason
    assert len(_publish_calls(graph_emulator)) == 1
    calls = [step.call for step in post.publish_steps.all()]
    assert calls[calls.index("media_publish") + 1] == "read_status"  # looked before concluding


def test_a_rate_limit_defers_without_a_burst_of_calls(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    import time_machine
    from django.utils import timezone

    post = due_post(public_media)
    # Meta says: slow down, regain access in a minute (X-Business-Use-Case-Usage), three times.
    graph_emulator.add_fault("rate_limit", match="/media$", method="POST", count=3, minutes=1)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        for _minute in range(5):
            post = publish_until_settled(post, rounds=5)  # five sweeps in a row within the minute
            if post.status == PostStatus.PUBLISHED:
                break
            assert post.status == PostStatus.PUBLISHING
            assert "slow down" in post.reason
            clock.shift(61)
    assert post.status == PostStatus.PUBLISHED
    creates = graph_emulator.calls(match="/media$", method="POST")
    assert [call["status"] for call in creates] == [400, 400, 400, 200]  # three refusals, then one
    gaps = [later["epoch"] - earlier["epoch"] for earlier, later in zip(creates, creates[1:], strict=False)]
    assert all(gap >= 60 for gap in gaps), gaps
    assert len(_ours(graph_emulator, post)) == 1


def test_a_post_another_worker_holds_is_not_taken_before_its_lease_runs_out(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    post = due_post(public_media)
    assert publishing.publish_due_posts() == [post.pk]
    # Another worker took it a moment ago and is in the middle of a call to Instagram.
    Post.objects.filter(pk=post.pk).update(
        lease_token="a" * 32, lease_until=timezone.now() + timedelta(seconds=60)
    )
    assert publishing.advance_publication(post_id=post.pk) == "not_ready"
    assert graph_emulator.calls() == []
    post.refresh_from_db()
    assert post.lease_token == "a" * 32
    # Once its lease has run out (that worker died), the post is taken over and goes out.
    Post.objects.filter(pk=post.pk).update(lease_until=timezone.now())
    assert publishing.advance_publication(post_id=post.pk) == PostStatus.PUBLISHED


def test_after_a_publish_attempt_even_a_refusal_of_the_status_read_is_not_taken_for_failure(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    from django.utils import timezone

    publish_settings.PUBLISH_BACKOFF_SECONDS = 1  # so that the worker stops after the lost reply
    post = due_post(public_media)
    # The publish goes through at Meta but its reply is lost; the next status read is refused with
    # an error that would fail a post before any attempt. After the attempt, it only means "unknown".
    graph_emulator.add_fault("timeout", match="media_publish", seconds=4, effect=True)
    [post_id] = publishing.publish_due_posts()
    assert publishing.advance_publication(post_id=post_id) == "waiting"
    post.refresh_from_db()
    assert post.publish_tried_for == post.container_id != ""
    graph_emulator.add_fault("error", match=r"^/\d+$", method="GET", code=100, count=1)
    Post.objects.filter(pk=post.pk).update(lease_until=timezone.now())
    publish_settings.PUBLISH_BACKOFF_SECONDS = 0
    post = publish_until_settled(post)
    assert post.status == PostStatus.PUBLISHED, post.reason
    assert len(_ours(graph_emulator, post)) == 1
    assert len(_publish_calls(graph_emulator)) == 1
    assert post.publish_steps.filter(call="read_status", error_kind="permanent").count() == 1
