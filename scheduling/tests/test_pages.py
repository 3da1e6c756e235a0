"""Calendar, event source, post form, drag endpoint, leads and training pages."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contributors.models import CareerStage
from contributors.tests.factories import PublicationFactory, contributor_user
from scheduling import services
from scheduling.emails import publication_reference
from scheduling.models import BERLIN, CalendarEvent, EventKind, LeadInvitation, Post, PostStatus
from scheduling.tests.factories import approved_post, blackout, slot
from stories.models import Objective

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=BERLIN)
MONTH = {"start": "2029-12-30T00:00:00+01:00", "end": "2030-02-10T00:00:00+01:00"}


def team_client(people: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(people["outreach"])
    return client


def fill_month(posts: int, events: int, people: dict[str, Any]) -> None:
    for number in range(posts):
        post = approved_post()
        services.post_schedule(
            post=post, user=people["outreach"], when=NOW + timedelta(days=1 + number % 25, hours=number)
        )
    for number in range(events):
        CalendarEvent.objects.create(
            kind=EventKind.SEMINAR,
            title=f"Seminar {number}",
            start=NOW + timedelta(days=number % 28),
            end=NOW + timedelta(days=number % 28, hours=1),
        )
    approved_post()  # waiting for a time


@time_machine.travel(NOW, tick=False)
def test_calendar_page_and_event_source_cost_the_same_queries_however_full(
    people: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = team_client(people)
    fill_month(2, 2, people)
    client.get("/calendar/")  # the feed address is made on the first visit
    counts = {}
    for label, url in (("page", "/calendar/"), ("source", "/calendar/events/")):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, MONTH if label == "source" else {})
        assert response.status_code == 200
        counts[label] = len(captured.captured_queries)
    fill_month(12, 15, people)
    with django_assert_num_queries(counts["page"]):
        assert client.get("/calendar/").status_code == 200
    with django_assert_num_queries(counts["source"]):
        items = client.get("/calendar/events/", MONTH).json()
    assert len([i for i in items if i["extendedProps"]["type"] == "post"]) == 14
    assert len([i for i in items if i["extendedProps"]["type"] == "event"]) == 17


@time_machine.travel(NOW, tick=False)
def test_event_source_colours_posts_by_state_with_thumbnail_and_filters(people: dict[str, Any]) -> None:
    client = team_client(people)
    post = approved_post(objective=Objective.RECRUITMENT)
    services.post_schedule(post=post, user=people["outreach"], when=NOW + timedelta(days=2))
    CalendarEvent.objects.create(
        kind=EventKind.TRAINING, title="Camera training", start=NOW, end=NOW + timedelta(hours=2)
    )
    items = client.get("/calendar/events/", MONTH).json()
    shown = next(i for i in items if i["id"] == f"post-{post.pk}")
    assert shown["extendedProps"]["status"] == "scheduled"
    assert shown["color"] == "#0d6efd"
    assert shown["extendedProps"]["thumbnail"].endswith("/rendition/")
    assert client.get(shown["extendedProps"]["thumbnail"]).status_code == 200
    only_training = client.get("/calendar/events/", {**MONTH, "kind": "training"}).json()
    assert [i["title"] for i in only_training] == ["Camera training"]
    outreach_posts = client.get("/calendar/events/", {**MONTH, "objective": "outreach"}).json()
    assert outreach_posts == []
    recruitment = client.get("/calendar/events/", {**MONTH, "objective": "recruitment"}).json()
    assert [i["id"] for i in recruitment] == [f"post-{post.pk}"]
    assert client.get("/calendar/events/", {"start": "yesterday", "end": "2040-01-01"}).status_code == 400
    # Every state has its colour, down to a post taken off Instagram.
    for status in PostStatus.values:
        Post.objects.filter(pk=post.pk).update(status=status)
        [item] = [i for i in client.get("/calendar/events/", MONTH).json() if i["id"] == f"post-{post.pk}"]
        assert item["extendedProps"]["status"] == status


@time_machine.travel(NOW, tick=False)
def test_the_plain_form_schedules_and_refuses_with_the_reason(people: dict[str, Any]) -> None:
    client = team_client(people)
    slot(1, 18)
    blackout(date(2030, 1, 9), title="Detector open day")
    post = approved_post()
    page = client.get(f"/calendar/posts/{post.pk}/").content.decode()
    assert "Schedule in the next free slot" in page
    assert "8 January 2030, 18:00 CET" in page  # the next free slot, shown with its zone
    response = client.post(f"/calendar/posts/{post.pk}/schedule/", {"when": "2030-01-09T11:00", "text": ""})
    assert response.status_code == 200
    assert "is a blackout day (Detector open day)" in response.content.decode()
    assert Post.objects.get(pk=post.pk).status == PostStatus.UNSCHEDULED
    response = client.post(f"/calendar/posts/{post.pk}/schedule/", {"when": "2030-03-31T11:00"}, follow=True)
    assert "31 March 2030, 11:00 CEST" in response.content.decode()
    post.refresh_from_db()
    assert post.scheduled_at == datetime(2030, 3, 31, 11, 0, tzinfo=BERLIN)
    for bad in ("not a date", "2030-02-30T10:00", "9999999-01-01", "\x00"):
        response = client.post(f"/calendar/posts/{post.pk}/reschedule/", {"when": bad})
        assert response.status_code == 200
        assert Post.objects.get(pk=post.pk).scheduled_at == datetime(2030, 3, 31, 11, 0, tzinfo=BERLIN)
    assert client.post(f"/calendar/posts/{post.pk}/no-such-action/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_drag_endpoint_applies_the_same_checks(people: dict[str, Any]) -> None:
    client = team_client(people)
    publication = PublicationFactory(public_from=datetime(2030, 1, 20, 10, 0, tzinfo=BERLIN))
    post = approved_post(publication=publication)
    services.post_schedule(
        post=post, user=people["outreach"], when=datetime(2030, 1, 22, 18, 0, tzinfo=BERLIN)
    )

    def move(start: Any) -> Any:
        return client.post(
            f"/calendar/posts/{post.pk}/move/", json.dumps({"start": start}), content_type="application/json"
        )

    refused = move("2030-01-15T17:00:00.000Z")
    assert refused.status_code == 409
    assert "not public before 20 January 2030, 10:00 CET" in refused.json()["error"]
    assert Post.objects.get(pk=post.pk).scheduled_at == datetime(2030, 1, 22, 18, 0, tzinfo=BERLIN)
    for bad in (None, 42, "tomorrow", ""):
        assert move(bad).status_code == 400
    assert (
        client.post(
            f"/calendar/posts/{post.pk}/move/", b"{not json", content_type="application/json"
        ).status_code
        == 400
    )
    moved = move("2030-01-24T17:00:00.000Z")
    assert moved.status_code == 200
    assert "24 January 2030, 18:00 CET" in moved.json()["message"]
    # Without the CSRF token a browser's drag is refused.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["outreach"])
    assert (
        strict.post(
            f"/calendar/posts/{post.pk}/move/",
            json.dumps({"start": "2030-01-25T17:00:00Z"}),
            content_type="application/json",
        ).status_code
        == 403
    )


@time_machine.travel(NOW, tick=False)
def test_leads_show_fresh_results_without_a_story_and_who_was_never_featured(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any, tasks_run_inline: None
) -> None:
    author = contributor_user(username="ines", first_name="Ines", last_name="Richter").contributor
    author.career_stage = CareerStage.PHD
    author.save()
    fresh = PublicationFactory(title="A fresh result", public_from=NOW - timedelta(days=10))
    fresh.contributors.add(author)
    told = PublicationFactory(title="A result with a story", public_from=NOW - timedelta(days=5))
    approved_post(publication=told)
    PublicationFactory(title="An old result", public_from=NOW - timedelta(days=200))
    PublicationFactory(title="A result still under embargo", public_from=NOW + timedelta(days=5))
    client = team_client(people)
    page = client.get("/leads/").content.decode()
    assert "A fresh result" in page
    assert "A result with a story" not in page
    assert "An old result" not in page
    assert "still under embargo" not in page
    assert "Ines Richter" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/leads/invite/", {"publication": fresh.pk, "contributor": author.pk}, follow=True
        )
    assert "is invited to tell this story" in response.content.decode()
    # The team sees who invited whom, and when.
    [invitation] = LeadInvitation.objects.all()
    assert (invitation.contributor, invitation.invited_by) == (author, people["outreach"])
    assert "Ines Richter invited by mira on" in client.get("/leads/").content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [author.user.email]
    assert "/stories/new/?title=A+fresh+result" in mail.outbox[0].body
    # The link opens the story form with the result filled in, for the author to go on from.
    link = re.search(r"/stories/new/\?\S+", mail.outbox[0].body)
    assert link is not None
    author_client = Client()
    author_client.force_login(author.user)
    form = author_client.get(link.group(0)).content.decode()
    assert 'value="A fresh result"' in form
    assert f'value="{publication_reference(fresh)}"' in form
    assert '<option value="science" selected>' in form
    # Someone who is not an author of that result cannot be invited to it.
    assert (
        client.post(
            "/leads/invite/", {"publication": fresh.pk, "contributor": people["contributor"].contributor.pk}
        ).status_code
        == 404
    )
    assert client.post("/leads/invite/", {"publication": "x"}).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_leads_page_costs_the_same_queries_however_many_results(
    people: dict[str, Any], django_assert_num_queries: Any
) -> None:
    client = team_client(people)

    def add(count: int) -> None:
        for number in range(count):
            publication = PublicationFactory(public_from=NOW - timedelta(days=1 + number))
            author = contributor_user().contributor
            publication.contributors.add(author)
            LeadInvitation.objects.create(
                publication=publication, contributor=author, invited_by=people["outreach"]
            )

    add(2)
    with CaptureQueriesContext(connection) as captured:
        client.get("/leads/")
    add(15)
    with django_assert_num_queries(len(captured.captured_queries)):
        page = client.get("/leads/").content.decode()
    assert page.count("to tell this story</button>") == 17
    assert page.count(" invited by mira on ") == 17


@time_machine.travel(NOW, tick=False)
def test_training_records_show_who_has_been_trained(people: dict[str, Any]) -> None:
    training = CalendarEvent.objects.create(
        kind=EventKind.TRAINING,
        title="Science communication workshop",
        start=NOW - timedelta(days=30),
        end=NOW - timedelta(days=30, hours=-3),
    )
    training.attendees.add(people["contributor"].contributor)
    page = team_client(people).get("/training/").content.decode()
    trained, untrained = page.split('id="untrained-heading"')
    assert people["contributor"].contributor.name in trained
    assert people["other_contributor"].contributor.name in untrained
