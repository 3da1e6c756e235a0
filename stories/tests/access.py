"""Who may open each page of the stories app (checked by the URLconf walk).

Stories made here belong to people["contributor"]; "other_contributor" is the stranger who
guesses URLs. A story nobody else may see answers 404, so ids reveal nothing.
"""

from __future__ import annotations

from typing import Any

from contributors.testing import (
    DENIED,
    LOGIN,
    OK,
    REFUSED,
    Access,
    Effect,
    Visit,
    everyone,
    owner_and_team,
    team_only,
)
from stories.models import Status


def _story(people: dict[str, Any], status: str = Status.SUBMITTED) -> Any:
    from stories.tests.factories import story_in

    return story_in(status, author=people["contributor"].contributor)


def _story_kwargs(status: str = Status.SUBMITTED) -> Any:
    return lambda people: {"pk": _story(people, status).pk}


def _image_kwargs(people: dict[str, Any]) -> dict[str, int]:
    story = _story(people)
    return {"pk": story.pk, "image_id": story.images.first().pk}


def _person_kwargs(people: dict[str, Any]) -> dict[str, int]:
    from stories.tests.factories import PersonShownFactory

    story = _story(people)
    person = PersonShownFactory(image=story.images.first())
    return {"pk": story.pk, "person_id": person.pk}


def _take_kwargs(people: dict[str, Any]) -> dict[str, Any]:
    return {"pk": _story(people).pk, "action": "start_review"}


def _commented(visit: Visit) -> bool:
    from stories.models import Comment

    return Comment.objects.filter(story_id=visit.kwargs["pk"], body=COMMENT).exists()


def _taken(visit: Visit) -> bool:
    from stories.models import Story

    return Story.objects.get(pk=visit.kwargs["pk"]).status == Status.IN_REVIEW


def _cropped(visit: Visit) -> bool:
    from stories.models import StoryImage

    return StoryImage.objects.get(pk=visit.kwargs["image_id"]).crop_x == 0.1


def _carousel_kwargs(people: dict[str, Any]) -> dict[str, int]:
    return {"pk": _carousel(people).pk}


def _carousel(people: dict[str, Any]) -> Any:
    from stories.models import Format
    from stories.tests.factories import story_in

    return story_in(Status.SUBMITTED, author=people["contributor"].contributor, format=Format.CAROUSEL)


def _ratio_chosen(visit: Visit) -> bool:
    from stories.models import Story

    return Story.objects.get(pk=visit.kwargs["pk"]).carousel_ratio == "1:1"


def _consent_withdrawn(visit: Visit) -> bool:
    from stories.models import PersonShown

    return PersonShown.objects.get(pk=visit.kwargs["person_id"]).consent_withdrawn_at is not None


COMMENT = "Could the caption start with the question?"
FILE = "image/jpeg"


def _invitation_kwargs(people: dict[str, Any]) -> dict[str, int]:
    """A story by someone else that names people["contributor"] as co-author (only invited)."""
    from contributors.tests.factories import contributor_user
    from stories.models import CoAuthorInvitation
    from stories.tests.factories import complete_story

    story = complete_story(author=contributor_user().contributor)
    CoAuthorInvitation.objects.create(story=story, contributor=people["contributor"].contributor)
    return {"pk": story.pk}


# Only the invited person may answer an invitation; to everyone else it does not exist.
INVITED_ONLY = {
    "anonymous": LOGIN,
    "contributor": OK,
    "other_contributor": DENIED,
    "outreach": DENIED,
    "science": DENIED,
    "admin": DENIED,
}


def _co_author_now(visit: Visit) -> bool:
    from stories.models import Story

    story = Story.objects.get(pk=visit.kwargs["pk"])
    return story.co_authors.filter(user=visit.people["contributor"]).exists()


def _invitation_declined(visit: Visit) -> bool:
    from stories.invitations import CoAuthorInvitation
    from stories.models import Story

    story = Story.objects.get(pk=visit.kwargs["pk"])
    return not CoAuthorInvitation.objects.filter(story=story).exists() and not story.co_authors.exists()


def _video_kwargs(state: str = "ready", fmt: str = "reel") -> Any:
    """A reel (or story) whose authors may still change it, with a video in `state`."""

    def make(people: dict[str, Any]) -> dict[str, int]:
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from graph_emulator.testing import MP4
        from stories.models import StoryVideo

        story = _story(people, Status.CHANGES_REQUESTED)
        type(story).objects.filter(pk=story.pk).update(format=fmt)
        StoryVideo.objects.create(
            story=story,
            state=state,
            original_name="IMG_0001.MOV",
            rendition=default_storage.save("videos/walk.mp4", ContentFile(MP4)) if state == "ready" else "",
            probe={"duration": 70.0},
            rendition_probe={"duration": 4.0} if state == "ready" else {},
        )
        return {"pk": story.pk}

    return make


def _video_with_cover_photo() -> Any:
    """A reel whose team chose a cover photo."""
    video_story = _video_kwargs()

    def make(people: dict[str, Any]) -> dict[str, int]:
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from graph_emulator.testing import jpeg
        from stories.models import StoryVideo

        kwargs = video_story(people)
        StoryVideo.objects.filter(story_id=kwargs["pk"]).update(
            cover="photo",
            cover_photo=default_storage.save("video-covers/cover.jpg", ContentFile(jpeg(540, 960))),
        )
        return kwargs

    return make


def _video(visit: Visit) -> Any:
    from stories.models import StoryVideo

    return StoryVideo.objects.filter(story_id=visit.kwargs["pk"]).first()


def _upload_piece(people: dict[str, Any]) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"offset": "0", "total": "4", "name": "a.mp4", "piece": SimpleUploadedFile("piece", b"0123")}


VIDEO_ACCESS = [
    Access(
        "stories:video_upload",
        kwargs=_video_kwargs("uploading"),
        method="post",
        data=_upload_piece,
        effect=Effect("the upload received", lambda visit: _video(visit).original_name == "a.mp4"),
        expect=owner_and_team(),
    ),
    Access(
        "stories:video_status", kwargs=_video_kwargs(), answer="application/json", expect=owner_and_team()
    ),
    Access("stories:video_rendition", kwargs=_video_kwargs(), answer="video/mp4", expect=owner_and_team()),
    Access(
        "stories:video_cover", kwargs=_video_with_cover_photo(), answer="image/jpeg", expect=owner_and_team()
    ),
    Access(
        "stories:video_trim",
        kwargs=_video_kwargs("too_long", "story"),
        method="post",
        effect=Effect("the first minute kept", lambda visit: _video(visit).keep_seconds == 60),
        expect=owner_and_team(),
    ),
    Access(
        "stories:video_settings",
        kwargs=_video_kwargs(),
        method="post",
        data={"cover": "frame", "cover_seconds": "1.5"},
        effect=Effect("the cover frame chosen", lambda visit: _video(visit).cover_offset_ms == 1500),
        expect=owner_and_team(),
    ),
    Access(
        "stories:video_remove",
        kwargs=_video_kwargs(),
        method="post",
        effect=Effect("the video removed", lambda visit: _video(visit) is None),
        expect=owner_and_team(),
    ),
]

REVIEWERS = {
    "anonymous": LOGIN,
    "contributor": DENIED,
    "other_contributor": DENIED,
    "outreach": OK,
    "science": OK,
    "admin": OK,
}

ACCESS = [
    Access("stories:mine", expect=everyone()),
    Access("stories:new", expect=everyone()),
    Access("stories:detail", kwargs=_story_kwargs(), expect=owner_and_team()),
    # Authors edit while changes are requested; the team while the story is under review.
    Access("stories:edit", kwargs=_story_kwargs(Status.CHANGES_REQUESTED), expect=owner_and_team()),
    Access("stories:diff", kwargs=_story_kwargs(), expect=owner_and_team()),
    Access(
        "stories:comment",
        kwargs=_story_kwargs(),
        method="post",
        data={"body": COMMENT},
        effect=Effect("a comment on the story", _commented),
        expect=owner_and_team(),
    ),
    # The author reaches the view, but the service will not let anyone take their own story.
    Access(
        "stories:transition",
        kwargs=_take_kwargs,
        method="post",
        effect=Effect("the story taken for review", _taken),
        expect={**owner_and_team(), "contributor": REFUSED},
    ),
    Access("stories:image_original", kwargs=_image_kwargs, answer=FILE, expect=owner_and_team()),
    Access("stories:image_preview", kwargs=_image_kwargs, answer=FILE, expect=owner_and_team()),
    Access("stories:image_rendition", kwargs=_image_kwargs, answer=FILE, expect=owner_and_team()),
    Access(
        "stories:image_crop",
        kwargs=_image_kwargs,
        method="post",
        data={"crop_x": "0.1", "crop_y": "0", "crop_width": "0.6", "crop_height": "0.8"},
        effect=Effect("the new crop of the photo", _cropped),
        expect=team_only(),
    ),
    Access(
        "stories:carousel_ratio",
        kwargs=_carousel_kwargs,
        method="post",
        data={"ratio": "1:1"},
        effect=Effect("the carousel's ratio chosen", _ratio_chosen),
        expect=team_only(),
    ),
    Access(
        "stories:consent_withdraw",
        kwargs=_person_kwargs,
        method="post",
        effect=Effect("the consent withdrawn", _consent_withdrawn),
        expect=owner_and_team(),
    ),
    Access(
        "stories:invitation_accept",
        kwargs=_invitation_kwargs,
        method="post",
        effect=Effect("the invited person a co-author", _co_author_now),
        expect=INVITED_ONLY,
    ),
    Access(
        "stories:invitation_decline",
        kwargs=_invitation_kwargs,
        method="post",
        effect=Effect("the invitation declined", _invitation_declined),
        expect=INVITED_ONLY,
    ),
    Access("stories:review_queue", expect=REVIEWERS),
    *VIDEO_ACCESS,
]
