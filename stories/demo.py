"""Demo stories for ``seed_demo``: every state of the workflow, with photos made once and reused.

Rows are written directly (with their audit trail and revisions) rather than through the
services, so seeding sends no e-mails and no signals; later layers find the approved stories
in ``context["stories"]``. ``--scale N`` adds (N - 1) copies of every story with bulk inserts,
all sharing the same image files.
"""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageDraw

from .diff import photo_snapshot
from .images import default_crop, make_rendition
from .models import (
    Comment,
    EventKind,
    Format,
    ImageState,
    Objective,
    PersonShown,
    Status,
    Story,
    StoryEvent,
    StoryImage,
    StoryRevision,
    private_storage,
)
from .services import link_result
from .workflow import WORKFLOW

COPY_MARKER = " · copy "
CONSENT_WORDING = (
    "I agree that photos showing me are posted on the Instagram account @cmsatdesy and kept in "
    "its archive. I can withdraw this consent at any time by writing to outreach@cmsatdesy.example."
)

# name, width, height, palette (two RGB colours), motif
PHOTOS = [
    ("detector", 1440, 1080, ((12, 24, 60), (220, 120, 30)), "rings"),
    ("control-room", 1440, 1080, ((20, 20, 30), (40, 160, 200)), "screens"),
    ("cleanroom", 1080, 1350, ((230, 235, 240), (90, 140, 190)), "modules"),
    ("cloud-chamber", 1080, 1080, ((5, 5, 10), (200, 200, 220)), "tracks"),
    ("campus", 1440, 960, ((110, 170, 230), (60, 120, 60)), "buildings"),
    ("talk", 1440, 1080, ((40, 30, 50), (240, 200, 120)), "screens"),
]

# title, author, objective, format, photos, status, caption, extras
STORIES: list[dict[str, Any]] = [
    {
        "title": "Four b quarks and a Higgs pair",
        "author": "scientist",
        "objective": Objective.SCIENCE,
        "format": Format.CAROUSEL,
        "photos": ["detector", "talk"],
        "status": Status.APPROVED,
        "publication": True,
        "caption": "Our new result: the most sensitive search yet for two Higgs bosons produced together, "
        "each decaying into a pair of b quarks. 🧪 Swipe to see how we find them in the #CMS detector.\n\n"
        "#Higgs #Teilchenphysik #DESY #physics",
        "days": 20,
    },
    {
        "title": "A night shift in the CMS control room",
        "author": "scientist",
        "objective": Objective.OUTREACH,
        "format": Format.SINGLE_IMAGE,
        "photos": ["control-room"],
        "status": Status.IN_REVIEW,
        "caption": "3 a.m., 40 million collisions per second and a lot of coffee ☕ What does a shifter "
        "actually do? #CMS #nightshift #CERN",
        "days": 3,
    },
    {
        "title": "Cleaning tracker modules in the clean room",
        "author": "scientist2",
        "objective": Objective.TRAINING,
        "format": Format.SINGLE_IMAGE,
        "photos": ["cleanroom"],
        "status": Status.SUBMITTED,
        "caption": "Gowns, gloves and a lot of patience: every module of the new tracker passes through our "
        "clean room in Hamburg. #Reinraum #detector #DESY",
        "days": 5,
    },
    {
        "title": "What does a top quark weigh?",
        "author": "scientist2",
        "objective": Objective.SCIENCE,
        "format": Format.SINGLE_IMAGE,
        "photos": ["detector"],
        "status": Status.CHANGES_REQUESTED,
        "result_reference": "2511.04711",
        "caption": "About as much as a gold atom — but it lives far too short to weigh it on a scale. "
        "#TopQuark #physics",
        "comment": "Lovely idea! Could you say in one sentence how the mass is measured, and add alt text?",
        "alt_text": "",
        "days": 8,
    },
    {
        "title": "From Hamburg to CERN: my first conference talk",
        "author": "scientist",
        "objective": Objective.RECRUITMENT,
        "format": Format.CAROUSEL,
        "photos": ["talk", "campus", "control-room"],
        "status": Status.RESUBMITTED,
        "caption": "Nervous? Very. Worth it? Absolutely. Three things I learned from my first talk in front "
        "of 300 physicists. #PhDlife #WomenInScience #CERN",
        "caption_v1": "Nervous? Very. Worth it? Sure. Some things I learned from my first talk. #PhDlife #CERN",
        "comment": "Please crop the second photo so the slide is readable.",
        "days": 2,
    },
    {
        "title": "Summer students build a cloud chamber",
        "author": "scientist2",
        "objective": Objective.OUTREACH,
        "format": Format.CAROUSEL,
        "photos": ["cloud-chamber", "campus"],
        "status": Status.APPROVED,
        "people": ["Lea Hartmann"],
        "caption": "Dry ice, alcohol and a fish tank: our summer students made cosmic rays visible. ✨ "
        "Can you spot the muon? #Nebelkammer #SummerStudents #DESY",
        "days": 12,
    },
    {
        "title": "Coffee and collisions",
        "author": "scientist",
        "objective": Objective.RECRUITMENT,
        "format": Format.SINGLE_IMAGE,
        "photos": ["campus"],
        "status": Status.DRAFT,
        "caption": "Work in progress…",
        "alt_text": "",
        "days": 1,
    },
    {
        "title": "Our detector in LEGO",
        "author": "scientist2",
        "objective": Objective.OUTREACH,
        "format": Format.SINGLE_IMAGE,
        "photos": ["detector"],
        "status": Status.REJECTED,
        "caption": "We built CMS out of 30,000 bricks! #LEGO #CMS",
        "reason": "A very similar post went out last month; let us keep this for the open day.",
        "days": 15,
    },
    {
        "title": "Testing the new pixel sensors",
        "author": "scientist",
        "objective": Objective.TRAINING,
        "format": Format.SINGLE_IMAGE,
        "photos": ["cleanroom"],
        "status": Status.WITHDRAWN,
        "caption": "Under the probe station. #pixels #detector",
        "days": 30,
    },
    {
        "title": "Girls' Day at DESY",
        "author": "scientist2",
        "co_authors": ["scientist"],
        "objective": Objective.RECRUITMENT,
        "format": Format.SINGLE_IMAGE,
        "photos": ["campus"],
        "status": Status.SUBMITTED,
        "people": ["Jana Krüger"],
        "caption": "Twenty pupils, one detector and lots of questions. Thank you for visiting! "
        "#GirlsDay #MINT #DESY @desy_de",
        "days": 1,
    },
    {
        "title": "A first look at the new trigger",
        "author": "scientist",
        "objective": Objective.SCIENCE,
        "format": Format.SINGLE_IMAGE,
        "photos": ["control-room"],
        "status": Status.ON_HOLD,
        "caption": "Forty million collisions a second, and the trigger picks a thousand. #CMS #trigger",
        "reason": "On hold until the conference talk on 12 March; the result is public then.",
        "days": 4,
    },
]

# The path each final state took through the workflow (after draft).
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: [Status.SUBMITTED],
    Status.IN_REVIEW: [Status.SUBMITTED, Status.IN_REVIEW],
    Status.CHANGES_REQUESTED: [Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED],
    Status.RESUBMITTED: [Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.RESUBMITTED],
    Status.APPROVED: [Status.SUBMITTED, Status.IN_REVIEW, Status.APPROVED],
    Status.REJECTED: [Status.SUBMITTED, Status.IN_REVIEW, Status.REJECTED],
    Status.WITHDRAWN: [Status.WITHDRAWN],
    Status.ON_HOLD: [Status.SUBMITTED, Status.IN_REVIEW, Status.ON_HOLD],
}
# The action that leads to each state (the first, where several do), for the demo's audit rows.
_ACTION_TO: dict[str, str] = {}
for _action in WORKFLOW:
    if _action.to_state is not None:
        _ACTION_TO.setdefault(_action.to_state, _action.name)
AUTHOR_STEPS = {Status.SUBMITTED, Status.RESUBMITTED, Status.WITHDRAWN}


# ---------------------------------------------------------------------------------------------
# Photos


def _draw(width: int, height: int, palette: tuple[tuple[int, int, int], ...], motif: str) -> Image.Image:
    top, bottom = palette
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.composite(
        Image.new("RGB", (width, height), bottom), Image.new("RGB", (width, height), top), gradient
    )
    draw = ImageDraw.Draw(image)
    cx, cy = width / 2, height / 2
    light = tuple(min(255, c + 90) for c in bottom)
    if motif == "rings":
        for radius in range(40, int(min(width, height) * 0.48), 28):
            draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=light, width=6)
        for angle in range(0, 360, 15):
            x = cx + math.cos(math.radians(angle)) * min(width, height) * 0.5
            y = cy + math.sin(math.radians(angle)) * min(width, height) * 0.5
            draw.line((cx, cy, x, y), fill=(250, 210, 60), width=3)
    elif motif == "screens":
        for row in range(3):
            for col in range(4):
                x0, y0 = 80 + col * (width - 160) / 4, 120 + row * (height - 300) / 3
                draw.rectangle(
                    (x0 + 10, y0 + 10, x0 + (width - 160) / 4 - 10, y0 + (height - 300) / 3 - 10),
                    fill=(20, 40, 60),
                    outline=light,
                    width=4,
                )
                draw.line(
                    (x0 + 30, y0 + 80, x0 + 120, y0 + 40, x0 + 200, y0 + 90), fill=(80, 230, 120), width=4
                )
    elif motif == "modules":
        for row in range(6):
            for col in range(4):
                x0, y0 = 100 + col * 220, 150 + row * 180
                draw.rectangle(
                    (x0, y0, x0 + 180, y0 + 140), fill=(60, 70, 90), outline=(200, 200, 210), width=3
                )
    elif motif == "tracks":
        for index in range(40):
            x = (index * 97) % width
            y = (index * 53) % height
            draw.line((x, y, x + 120 - index * 3, y + 200), fill=(230, 230, 240), width=2)
        draw.line((width * 0.1, height * 0.05, width * 0.8, height * 0.95), fill=(255, 255, 255), width=5)
    elif motif == "buildings":
        for index in range(7):
            x0 = index * width / 7
            h = height * (0.25 + 0.08 * (index % 3))
            draw.rectangle((x0 + 8, height - h, x0 + width / 7 - 8, height), fill=(200, 200, 190))
            for window in range(int(h // 60)):
                draw.rectangle(
                    (x0 + 30, height - h + 20 + window * 60, x0 + 70, height - h + 50 + window * 60),
                    fill=(90, 130, 170),
                )
    return image


def demo_image_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo-images"


def demo_photo_path(name: str) -> Path:
    """The demo photo as a JPEG file, drawn on first use and reused ever after."""
    folder = demo_image_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.jpg"
    if not path.exists():
        _, width, height, palette, motif = next(p for p in PHOTOS if p[0] == name)
        _draw(width, height, palette, motif).save(path, "JPEG", quality=88)
    return path


def _stored_photo(name: str) -> dict[str, Any]:
    """Original and rendition of a demo photo in the storages, written once and shared by all rows."""
    source = demo_photo_path(name)
    original_name = f"originals/demo-{name}.jpg"
    rendition_name = f"renditions/demo-{name}.jpg"
    _, width, height, _palette, _motif = next(p for p in PHOTOS if p[0] == name)
    box = default_crop(width, height)
    rendition = None
    if not private_storage.exists(original_name):
        private_storage.save(original_name, ContentFile(source.read_bytes()))
    if not default_storage.exists(rendition_name):
        rendition = make_rendition(source, box)
        default_storage.save(rendition_name, ContentFile(rendition.content))
    if rendition is None:
        with default_storage.open(rendition_name, "rb") as handle, Image.open(handle) as stored:
            rendition_size = stored.size
    else:
        rendition_size = (rendition.width, rendition.height)
    return {
        "original": original_name,
        "original_name": f"{name}.jpg",
        "original_width": width,
        "original_height": height,
        "rendition": rendition_name,
        "rendition_width": rendition_size[0],
        "rendition_height": rendition_size[1],
        "crop_x": box.x,
        "crop_y": box.y,
        "crop_width": box.width,
        "crop_height": box.height,
        "processing_state": ImageState.READY,
    }


# ---------------------------------------------------------------------------------------------
# Stories


def _alt_text(spec: dict[str, Any], photo: str) -> str:
    if "alt_text" in spec:
        return spec["alt_text"]
    return {
        "detector": "The round end of the CMS detector, with rings of sensors around the beam pipe.",
        "control-room": "Rows of monitors with plots of collision data in a dark control room.",
        "cleanroom": "Silicon detector modules lined up on a table in a clean room.",
        "cloud-chamber": "White trails of particles crossing the dark inside of a cloud chamber.",
        "campus": "The DESY campus in Hamburg under a blue sky.",
        "talk": "A physicist presenting slides in a lecture hall.",
    }[photo]


def _create_story(spec: dict[str, Any], users: dict[str, Any], publication: Any, now: Any) -> Story:
    author = users[spec["author"]]
    reviewer = users["reviewer"]
    science = users["science"]
    status = spec["status"]
    started = now - timedelta(days=spec["days"] + 2)
    story = Story.objects.create(
        author=author.contributor,
        title=spec["title"],
        objective=spec["objective"],
        format=spec["format"],
        caption=spec["caption"],
        status=status,
    )
    if spec.get("co_authors"):
        story.co_authors.set([users[name].contributor for name in spec["co_authors"]])
    if spec.get("publication"):
        story.publication = publication
        story.result_reference = publication.cms_id
    elif spec.get("result_reference"):
        story.publication = link_result(spec["result_reference"])
        story.result_reference = spec["result_reference"]
    for position, photo in enumerate(spec["photos"]):
        image = StoryImage.objects.create(
            story=story,
            position=position,
            alt_text=_alt_text(spec, photo),
            no_identifiable_person=not spec.get("people") or position > 0,
            **_stored_photo(photo),
        )
        if spec.get("people") and position == 0:
            for name in spec["people"]:
                PersonShown.objects.create(
                    image=image,
                    name=name,
                    contact=f"{name.split()[0].lower()}@example.org",
                    consent_given=True,
                    consent_wording=CONSENT_WORDING,
                    consent_recorded_by=author,
                    consent_recorded_at=started,
                )

    transitions = [StoryEvent(story=story, actor=author, kind=EventKind.CREATED, to_status=Status.DRAFT)]
    previous = Status.DRAFT
    path = PATHS[status]
    step_time = started
    revision = 0
    for to_status in path:
        step_time += timedelta(hours=20)
        actor = author if to_status in AUTHOR_STEPS else reviewer
        comment = ""
        if to_status == Status.CHANGES_REQUESTED:
            comment = spec.get("comment", "Please add alt text to every photo.")
            Comment.objects.create(story=story, author=reviewer, body=comment)
        if to_status in (Status.REJECTED, Status.ON_HOLD):
            comment = spec.get("reason", "")
        transitions.append(
            StoryEvent(
                story=story,
                actor=actor,
                kind=_ACTION_TO[to_status],
                from_status=previous,
                to_status=to_status,
                text=comment,
            )
        )
        if to_status in (Status.SUBMITTED, Status.RESUBMITTED):
            revision += 1
            # The first revision of a resubmitted story reads as it did before the changes.
            caption = (
                story.caption if to_status == Status.RESUBMITTED else spec.get("caption_v1", story.caption)
            )
            StoryRevision.objects.create(
                story=story,
                number=revision,
                title=story.title,
                caption=caption,
                alt_texts=[_alt_text(spec, photo) for photo in spec["photos"]],
                photos=photo_snapshot(StoryImage.objects.filter(story=story).prefetch_related("people")),
                created_by=author,
            )
            story.submitted_at = story.submitted_at or step_time
        if to_status == Status.IN_REVIEW:
            story.reviewer = reviewer
        if to_status == Status.APPROVED:
            story.approved_at = step_time
            story.reviewer = reviewer
            if story.needs_science_signoff:
                story.science_signoff_by = science
                story.science_signoff_at = step_time - timedelta(hours=2)
        if to_status == Status.REJECTED:
            story.rejection_reason = comment
        previous = to_status
    story.version = 1 + len(path)
    story.save()
    StoryEvent.objects.bulk_create(transitions)
    # Spread creation and waiting times over the past days, so the queue has an order.
    Story.objects.filter(pk=story.pk).update(
        created_at=started, status_changed_at=now - timedelta(days=spec["days"])
    )
    if status == Status.IN_REVIEW or status == Status.SUBMITTED:
        Comment.objects.create(
            story=story,
            author=author,
            body="Happy to change the caption if it is too long!",
        )
    return story


def _bulk_copies(originals: list[Story], copies_wanted: int, now: Any, log: Any) -> int:
    """(scale - 1) copies of every demo story: bulk inserts, shared image files, one audit row each."""
    existing = Story.objects.filter(title__contains=COPY_MARKER).count()
    missing = copies_wanted - existing
    if missing <= 0:
        return 0
    images = {
        story.pk: list(StoryImage.objects.filter(story=story).order_by("position").values())
        for story in originals
    }
    stories: list[Story] = []
    batch = existing
    while len(stories) < missing:
        batch += 1
        for index, original in enumerate(originals):
            if len(stories) >= missing:
                break
            offset = timedelta(minutes=batch * len(originals) + index)
            stories.append(
                Story(
                    author_id=original.author_id,
                    title=f"{original.title}{COPY_MARKER}{batch}"[:200],
                    objective=original.objective,
                    format=original.format,
                    caption=original.caption,
                    publication_id=original.publication_id,
                    result_reference=original.result_reference,
                    status=original.status,
                    reviewer_id=original.reviewer_id,
                    version=original.version,
                    science_signoff_by_id=original.science_signoff_by_id,
                    science_signoff_at=original.science_signoff_at,
                    rejection_reason=original.rejection_reason,
                    submitted_at=original.submitted_at,
                    approved_at=original.approved_at,
                    status_changed_at=original.status_changed_at - offset,
                )
            )
    created = Story.objects.bulk_create(stories, batch_size=500)
    by_title = {story.title: story for story in originals}
    new_images: list[StoryImage] = []
    transitions: list[StoryEvent] = []
    for story in created:
        original = by_title[story.title.split(COPY_MARKER)[0]]
        for stored in images[original.pk]:
            values = {k: v for k, v in stored.items() if k not in ("id", "story_id", "created_at")}
            new_images.append(StoryImage(story=story, **values))
        transitions.append(
            StoryEvent(
                story=story, actor_id=original.author.user_id, kind=EventKind.CREATED, to_status=story.status
            )
        )
    StoryImage.objects.bulk_create(new_images, batch_size=1000)
    StoryEvent.objects.bulk_create(transitions, batch_size=1000)
    log(f"Demo stories: {len(created)} copies for --scale")
    return len(created)


def seed(*, scale: int = 1, log: Any = print, context: dict[str, Any] | None = None) -> dict[str, Any]:
    context = context or {}
    users = context["users"]
    publication = context["publication"]
    now = timezone.now()
    stories = []
    created = 0
    for spec in STORIES:
        story = Story.objects.filter(title=spec["title"], author=users[spec["author"]].contributor).first()
        if story is None:
            story = _create_story(spec, users, publication, now)
            created += 1
        stories.append(story)
    log(f"Demo stories: {created} created, {len(stories) - created} already there")
    if scale > 1:
        _bulk_copies(stories, (scale - 1) * len(STORIES), now, log)
    return {
        "stories": stories,
        "approved_stories": [story for story in stories if story.status == Status.APPROVED],
    }
