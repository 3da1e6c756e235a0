"""The video of a reel or a video story: upload in pieces, checks, conversion, cover, removal.

The upload arrives in pieces (`video_upload_piece`), each appended at the offset the row says was
received, so a dropped connection carries on where it stopped. When the last piece is in, the
worker (`video_check_upload`, on the video queue) joins the pieces, keeps the original and probes
it, then refuses it with a reason, holds it for the scientist's choice (a story over 60 s), or
queues its conversion (`video_transcode`). The reel's cover (the chosen frame, or the JPEG made
from an uploaded photo) is made by the worker too (`video_make_cover`). A request never runs
ffmpeg, never decodes a photo and never waits for the worker.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contributors.queueing import after_commit

from .. import reasons
from .. import video as media
from ..errors import InvalidInput, NotAllowed, StoryError
from ..images import ImageRejected, inspect_image_header, make_video_cover
from ..models import EventKind, Format, Story, StoryImage
from ..permissions import can_edit
from ..videos import (
    CoverChoice,
    CoverState,
    StoryVideo,
    VideoState,
    video_cover_original_upload_to,
    video_cover_upload_to,
    video_frame_upload_to,
    video_original_upload_to,
)
from .common import locked, record

logger = logging.getLogger(__name__)

VIDEO_FORMATS = (Format.REEL, Format.STORY)
# An upload nobody has sent a piece to for this long is given up: its pieces are deleted.
ABANDONED_UPLOAD_AFTER = timedelta(hours=24)
# The states in which the upload's pieces are still kept beside the original's name.
_PIECES_KEPT = (VideoState.UPLOADING, VideoState.CHECKING)


class UploadOutOfStep(StoryError):
    """A piece that does not continue the upload; `received` tells where to go on from."""

    def __init__(self, message: str, received: int) -> None:
        self.received = received
        super().__init__(message)


def max_video_bytes() -> int:
    return int(settings.STORY_VIDEO_MAX_UPLOAD_MB) * 1024 * 1024


def video_of(story: Story) -> StoryVideo | None:
    return StoryVideo.objects.filter(story=story).first()


def _editable(story: Story, user: Any) -> Story:
    current = locked(story)
    if not can_edit(user, current):
        raise NotAllowed(_("You cannot change this story's video now."))
    return current


def _queue_transcode(video: StoryVideo) -> None:
    from .. import tasks  # tasks import the services; the other way round only when needed

    soft, hard = media.time_limit_for(min(video.duration, video.keep_seconds or video.duration))
    # ffmpeg is stopped at `soft` (see stories.video.transcode); the task's own limits come after.
    after_commit(
        tasks.transcode_video.apply_async, args=(video.pk,), soft_time_limit=int(soft) + 30, time_limit=hard
    )


def _queue_check(video_id: int) -> None:
    from .. import tasks

    after_commit(tasks.check_uploaded_video.delay, video_id)


def _queue_cover(video_id: int) -> None:
    from .. import tasks

    after_commit(tasks.make_video_cover.delay, video_id)


def _stored_files(video: StoryVideo) -> list[tuple[Any, str]]:
    """Every file the row holds (and the upload's pieces while they are kept), as (storage, name)."""
    fields = (video.original, video.rendition, video.cover_photo, video.cover_original, video.cover_frame)
    files = [(field.storage, field.name) for field in fields if field]
    if video.original and video.state in _PIECES_KEPT:
        files += [(video.original.storage, name) for name in _pieces(video)]
    return files


def _delete_files(video: StoryVideo) -> None:
    _delete_stored(_stored_files(video))


# ---------------------------------------------------------------------------------------------
# Upload


def video_upload_piece(
    *, story: Story, user: Any, offset: int, total: int, name: str, data: bytes
) -> StoryVideo:
    """Append one piece of the upload. Offset 0 starts a new upload (replacing any video)."""
    if not media.ffmpeg_available():
        raise StoryError(_("Video upload is switched off on this server (ffmpeg is not installed)."))
    if total <= 0 or offset < 0:
        raise InvalidInput({}, _("The upload sent no video."))
    if total > max_video_bytes():
        raise InvalidInput(
            {},
            _("This video is %(size)d MB; at most %(max)d MB can be uploaded. Shorten it and try again.")
            % {"size": total // (1024 * 1024) or 1, "max": settings.STORY_VIDEO_MAX_UPLOAD_MB},
        )
    if offset + len(data) > total:
        raise InvalidInput({}, _("The upload sent more than the size it announced."))
    with transaction.atomic():
        current = _editable(story, user)
        if current.format not in VIDEO_FORMATS:
            raise InvalidInput(
                {}, _("Only reels and stories have a video. Choose one of these formats and save first.")
            )
        video = StoryVideo.objects.select_for_update().filter(story=current).first()
        if offset == 0:
            video = _start_upload(current, video, total=total, name=name)
        elif video is None or video.state != VideoState.UPLOADING or video.upload_size != total:
            raise UploadOutOfStep(_("This upload is not going on any more; start it again."), received=0)
        if offset != video.received_bytes:
            raise UploadOutOfStep(
                _("The upload goes on from where the server stopped."), received=video.received_bytes
            )
        _store_piece(video, offset, data)
        video.received_bytes = offset + len(data)
        if video.received_bytes == total:
            # The worker joins, keeps and probes it; the page follows the check by polling.
            video.state = VideoState.CHECKING
            video.save(update_fields=["received_bytes", "state", "updated_at"])
            record(current, user, EventKind.VIDEO_ADDED, name=video.original_name)
            _queue_check(video.pk)
        else:
            video.save(update_fields=["received_bytes", "updated_at"])
    return video


def _start_upload(story: Story, video: StoryVideo | None, *, total: int, name: str) -> StoryVideo:
    if video is None:
        video = StoryVideo(story=story)
    else:
        _delete_files(video)
        defaults = StoryVideo(story=story)
        for field in StoryVideo._meta.concrete_fields:
            if field.name not in ("id", "story", "created_at"):
                setattr(video, field.attname, getattr(defaults, field.attname))
    video.original_name = Path(name or "video").name[:255]
    video.upload_size = total
    video.received_bytes = 0
    video.state = VideoState.UPLOADING
    video.original.name = video_original_upload_to(video, name)
    video.save()
    return video


# The pieces of an upload are kept as files of their own beside the original's name (a store such
# as S3 cannot write into the middle of a file), named by their offset, and joined at the end.
def _pieces_folder(video: StoryVideo) -> str:
    return f"{video.original.name}.pieces"


def _store_piece(video: StoryVideo, offset: int, data: bytes) -> None:
    storage, name = video.original.storage, f"{_pieces_folder(video)}/{offset:012d}"
    storage.delete(name)  # a piece sent again after a dropped answer
    storage.save(name, ContentFile(data))


def _pieces(video: StoryVideo) -> list[str]:
    storage, folder = video.original.storage, _pieces_folder(video)
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for name in sorted(files) if name.isdigit()]


def _delete_pieces(video: StoryVideo) -> None:
    for name in _pieces(video):
        video.original.storage.delete(name)


def _join_pieces(video: StoryVideo, target: Path) -> None:
    """The received pieces, in order, into one local file; the upload's bytes and nothing else."""
    storage, written = video.original.storage, 0
    with target.open("wb") as joined:
        for name in _pieces(video):
            if int(name.rsplit("/", 1)[1]) != written:
                break  # a piece left from an earlier try past what was received
            with storage.open(name, "rb") as piece:
                shutil.copyfileobj(piece, joined, 1024 * 1024)
            written = joined.tell()
        joined.truncate(video.received_bytes)


def video_check_upload(*, video_id: int) -> str:
    """In the worker: the whole upload is here. Join its pieces, keep it as the original, probe it
    and refuse it, hold it (a story over 60 s) or queue its conversion."""
    video = StoryVideo.objects.select_related("story").filter(pk=video_id).first()
    if video is None:
        return "gone"
    if video.state != VideoState.CHECKING:
        return str(video.state)
    # One worker at a time (a message delivered twice, or handed out again by the sweep): the
    # first to move `updated_at` on has it.
    claimed = StoryVideo.objects.filter(
        pk=video_id, state=VideoState.CHECKING, updated_at=video.updated_at
    ).update(updated_at=timezone.now())
    if claimed != 1:
        return "taken"
    storage, name = video.original.storage, video.original.name
    workdir = Path(tempfile.mkdtemp(prefix="video-upload-"))
    try:
        joined = workdir / "original"
        pieces = _pieces(video)
        if pieces:
            try:
                _join_pieces(video, joined)
            except FileNotFoundError:
                return "replaced"  # a new upload or a removal took its pieces away meanwhile
            storage.delete(name)
            with joined.open("rb") as handle:
                stored = storage.save(name, File(handle))
        elif storage.exists(name):  # an earlier try stored it and stopped before saying so
            with storage.open(name, "rb") as kept, joined.open("wb") as local:
                shutil.copyfileobj(kept, local, 1024 * 1024)
            stored = name
        else:
            return "replaced"  # removed or replaced meanwhile: its pieces are gone
        try:
            found = media.probe(joined)
            too_long = media.check(found, is_story=video.story.format == Format.STORY)
        except media.VideoRefused as refused:
            storage.delete(stored)
            outcome = _checked(
                video, name, state=VideoState.REFUSED, problem=reasons.stored(refused.reason), original=""
            )
        else:
            video.original.name, video.probe = stored, found.as_dict()
            if too_long:
                problem = reasons.stored(
                    reasons.reason(
                        gettext_noop(
                            "This video is %(length)s long; a story may be at most 60 seconds. "
                            "You can keep its first 60 seconds, or upload a shorter clip."
                        ),
                        length=media.seconds_reason(found.duration),
                    )
                )
                outcome = _checked(
                    video,
                    name,
                    state=VideoState.TOO_LONG,
                    problem=problem,
                    original=stored,
                    probe=video.probe,
                )
            else:
                outcome = _checked(
                    video, name, state=VideoState.QUEUED, problem="", progress=0, queued_at=timezone.now(),
                    original=stored, probe=video.probe,
                )  # fmt: skip
                if outcome == VideoState.QUEUED:
                    _queue_transcode(video)
            if outcome == "replaced" and not StoryVideo.objects.filter(original=stored).exists():
                storage.delete(stored)  # a second check that lost the race must not take the first's file
        if outcome != "replaced":
            for piece in pieces:
                storage.delete(piece)
        return outcome
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _checked(video: StoryVideo, original_name: str, **fields: Any) -> str:
    """Store the check's outcome, unless the video was replaced or removed meanwhile."""
    changed = StoryVideo.objects.filter(
        pk=video.pk, state=VideoState.CHECKING, original=original_name
    ).update(updated_at=timezone.now(), **fields)
    return str(fields["state"]) if changed == 1 else "replaced"


def _queue(video: StoryVideo) -> None:
    video.state, video.problem, video.progress = VideoState.QUEUED, "", 0
    video.queued_at = timezone.now()
    video.save()
    _queue_transcode(video)


def video_keep_first_minute(*, story: Story, user: Any) -> StoryVideo:
    """The scientist agreed: a story that is too long keeps its first 60 seconds."""
    with transaction.atomic():
        current = _editable(story, user)
        video = StoryVideo.objects.select_for_update().filter(story=current).first()
        if video is None or video.state != VideoState.TOO_LONG:
            raise StoryError(_("There is no video waiting for this choice."))
        video.keep_seconds = media.STORY_MAX_SECONDS
        _queue(video)
        record(current, user, EventKind.VIDEO_SHORTENED, seconds=int(media.STORY_MAX_SECONDS))
    return video


def video_remove(*, story: Story, user: Any) -> None:
    with transaction.atomic():
        current = _editable(story, user)
        video = StoryVideo.objects.select_for_update().filter(story=current).first()
        if video is None:
            raise StoryError(_("This story has no video."))
        files = _stored_files(video)
        video.delete()
        record(current, user, EventKind.VIDEO_REMOVED)
        after_commit(_delete_stored, files)


def _delete_stored(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


# ---------------------------------------------------------------------------------------------
# Cover and feed


def video_update_settings(
    *,
    story: Story,
    user: Any,
    cover: str,
    cover_seconds: float,
    cover_photo: Any = None,
    share_to_feed: bool = True,
    consent: bool = False,
) -> StoryVideo:
    """The reel's cover (a frame or a photo), the feed choice and the consent. A new photo is
    checked by its header here and made into the cover by the worker, as is a new frame."""
    if cover not in CoverChoice.values:
        raise InvalidInput({"cover": [_("Choose a frame or a photo.")]})
    if cover_photo is not None:
        try:
            inspect_image_header(cover_photo)
        except ImageRejected as exc:
            raise InvalidInput({"cover_photo": [str(exc.message)]}) from None
    with transaction.atomic():
        current = _editable(story, user)
        video = StoryVideo.objects.select_for_update().filter(story=current).first()
        if video is None:
            raise StoryError(_("This story has no video."))
        length = video.duration
        if cover_seconds < 0 or (length and cover_seconds > length):
            raise InvalidInput(
                {
                    "cover_seconds": [
                        _("Pick a moment between 0 and %(length)s seconds.") % {"length": f"{length:.1f}"}
                    ]
                }
            )
        if cover == CoverChoice.PHOTO and not (cover_photo or video.cover_photo or video.cover_original):
            raise InvalidInput({"cover_photo": [_("Choose the photo for the cover.")]})
        remake = False
        if cover_photo is not None:
            if video.cover_original:
                video.cover_original.storage.delete(video.cover_original.name)
            cover_photo.seek(0)
            video.cover_original.save(video_cover_original_upload_to(video, "cover"), cover_photo, save=False)
            remake = True
        offset_ms = int(round(cover_seconds * 1000))
        if offset_ms != video.cover_offset_ms or (video.is_ready and video.cover_state == CoverState.NONE):
            remake = True
        video.cover = cover
        video.cover_offset_ms = offset_ms
        video.share_to_feed = share_to_feed
        if consent and video.consent_confirmed_at is None:
            video.consent_confirmed_by, video.consent_confirmed_at = user, timezone.now()
        elif not consent:
            video.consent_confirmed_by, video.consent_confirmed_at = None, None
        if remake and video.is_ready:
            video.cover_state, video.cover_problem = CoverState.MAKING, ""
            _queue_cover(video.pk)
        video.save()
        record(current, user, EventKind.VIDEO_SETTINGS)
    return video


def video_make_cover(*, video_id: int) -> str:
    """In the worker: cut the frame at the chosen moment and, when a photo was uploaded, make the
    JPEG cover Meta takes from it. Stored unless the choices changed meanwhile (the change
    queued its own run)."""
    video = StoryVideo.objects.filter(pk=video_id).first()
    if video is None:
        return "gone"
    if video.cover_state != CoverState.MAKING:
        return str(video.cover_state)
    made: list[str] = []
    fields: dict[str, Any] = {"cover_state": CoverState.READY, "cover_problem": ""}
    problems: list[dict[str, Any]] = []
    if video.rendition:
        frame = _cut_frame(video)
        if frame:
            made.append(default_storage.save(video_frame_upload_to(video, "frame.jpg"), ContentFile(frame)))
            fields["cover_frame"] = made[-1]
        else:
            fields["cover_frame"] = ""
            problems.append(
                reasons.reason(
                    gettext_noop("No frame could be cut from the video at %(at)s s; pick another moment."),
                    at=f"{video.cover_offset_ms / 1000:.1f}",
                )
            )
    if video.cover_original:
        fields["cover_original"] = ""
        try:
            with tempfile.TemporaryFile() as local:
                with video.cover_original.open("rb") as stored:
                    shutil.copyfileobj(stored, local, 1024 * 1024)
                content = make_video_cover(local)
        except ImageRejected as exc:
            problems.append(
                reasons.reason(
                    gettext_noop("The cover photo could not be used: %(reason)s"), reason=exc.reason
                )
            )
            if not video.cover_photo:
                fields["cover"] = CoverChoice.FRAME
        else:
            made.append(default_storage.save(video_cover_upload_to(video, "cover.jpg"), ContentFile(content)))
            fields["cover_photo"] = made[-1]
    if problems:
        fields["cover_state"], fields["cover_problem"] = CoverState.FAILED, reasons.stored(*problems)
    changed = StoryVideo.objects.filter(
        pk=video_id,
        cover_state=CoverState.MAKING,
        rendition=video.rendition.name,
        cover_offset_ms=video.cover_offset_ms,
        cover_original=video.cover_original.name,
    ).update(updated_at=timezone.now(), **fields)
    if changed != 1:
        _delete_stored([(default_storage, name) for name in made])
        return "replaced"
    replaced = [video.cover_frame, video.cover_original]
    if "cover_photo" in fields:
        replaced.append(video.cover_photo)
    _delete_stored([(field.storage, field.name) for field in replaced if field])
    return str(fields["cover_state"])


def _cut_frame(video: StoryVideo) -> bytes:
    """The frame at the chosen moment (the first one when that is past the end of a shortened
    clip), from a local copy of the rendition: the store may be on another machine."""
    workdir = Path(tempfile.mkdtemp(prefix="video-frame-"))
    try:
        local = workdir / "rendition.mp4"
        with video.rendition.open("rb") as stored, local.open("wb") as copy:
            shutil.copyfileobj(stored, copy, 1024 * 1024)
        at = video.cover_offset_ms / 1000
        return media.frame_jpeg(str(local), at) or media.frame_jpeg(str(local), 0)
    except OSError:
        return b""
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Conversion (in the worker, on the video queue)


def video_transcode(*, video_id: int) -> str:
    """Convert the original to the Instagram rendition, reporting progress on the row."""
    now = timezone.now()
    # A conversion whose worker died goes back to queued through the sweep (requeue_waiting_videos).
    claimed = StoryVideo.objects.filter(state=VideoState.QUEUED, pk=video_id).update(
        state=VideoState.CONVERTING, progress=0, updated_at=now
    )
    video = StoryVideo.objects.select_related("story").filter(pk=video_id).first()
    if video is None:
        return "gone"
    if claimed != 1:
        return str(video.state)
    original_name = video.original.name
    found = media.Probe.from_dict(video.probe)
    is_story = video.story.format == Format.STORY
    max_bytes = media.STORY_MAX_BYTES if is_story else media.REEL_MAX_BYTES
    last_write = [0.0]

    def on_progress(fraction: float) -> None:
        if time.monotonic() - last_write[0] < 0.5:
            return
        last_write[0] = time.monotonic()
        StoryVideo.objects.filter(pk=video_id, state=VideoState.CONVERTING, original=original_name).update(
            progress=int(fraction * 100), updated_at=timezone.now()
        )

    workdir = Path(tempfile.mkdtemp(prefix="video-"))
    try:
        target = workdir / "rendition.mp4"
        try:
            soft, _hard = media.time_limit_for(min(found.duration, video.keep_seconds or found.duration))
            source = workdir / "original"
            with video.original.open("rb") as stored, source.open("wb") as local:
                shutil.copyfileobj(stored, local, 1024 * 1024)  # from the store: no shared disk
            media.transcode(
                source, target, found,
                keep_seconds=video.keep_seconds, max_bytes=max_bytes, on_progress=on_progress, time_limit=soft,
            )  # fmt: skip
            made = media.probe(target)
        except media.VideoRefused as refused:
            return _converted(
                video_id, original_name, state=VideoState.REFUSED, problem=reasons.stored(refused.reason)
            )
        with target.open("rb") as handle:
            stored = default_storage.save(
                video.rendition.field.upload_to(video, "rendition.mp4"), File(handle)
            )
        done = _converted(
            video_id, original_name, state=VideoState.READY, problem="", rendition=stored,
            rendition_probe=made.as_dict(), progress=100, cover_state=CoverState.MAKING, cover_problem="",
        )  # fmt: skip
        if done != VideoState.READY:
            default_storage.delete(stored)  # replaced or removed while converting
        else:
            if video.rendition and video.rendition.name != stored:
                default_storage.delete(video.rendition.name)
            _queue_cover(video_id)
        return done
    except Exception as exc:  # a time limit or a crash: say so on the row, never leave it converting
        from celery.exceptions import SoftTimeLimitExceeded

        if isinstance(exc, SoftTimeLimitExceeded):
            _converted(
                video_id, original_name, state=VideoState.REFUSED,
                problem=reasons.stored(
                    reasons.reason(gettext_noop("Converting this video took longer than allowed. Upload a shorter clip."))
                ),
            )  # fmt: skip
            return str(VideoState.REFUSED)
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def requeue_waiting_videos(*, now: Any = None) -> int:
    """The sweep: a check, conversion or cover whose message was lost, or whose worker died (no
    progress for a while), is queued again; a second message for the same video finds the work
    claimed or done and does nothing. Uploads abandoned for a day are given up. Returns how many
    pieces of work were queued again."""
    now = now or timezone.now()
    waited = now - timedelta(seconds=settings.VIDEO_REQUEUE_AFTER_SECONDS)
    StoryVideo.objects.filter(state=VideoState.CONVERTING, updated_at__lt=waited).update(
        state=VideoState.QUEUED, progress=0, queued_at=now, updated_at=now
    )
    count = 0
    for video in StoryVideo.objects.filter(state=VideoState.QUEUED).filter(
        Q(queued_at__lt=waited) | Q(queued_at=now)
    ):
        _queue_transcode(video)
        count += 1
    for video_id in StoryVideo.objects.filter(state=VideoState.CHECKING, updated_at__lt=waited).values_list(
        "pk", flat=True
    ):
        _queue_check(video_id)
        count += 1
    for video_id in StoryVideo.objects.filter(
        cover_state=CoverState.MAKING, updated_at__lt=waited
    ).values_list("pk", flat=True):
        _queue_cover(video_id)
        count += 1
    _give_up_abandoned_uploads(now)
    return count


def _give_up_abandoned_uploads(now: Any) -> None:
    """An upload that stopped a day ago will not go on: delete its pieces and the row, so nothing
    is left behind (the page offers the upload afresh)."""
    for video in StoryVideo.objects.filter(
        state=VideoState.UPLOADING, updated_at__lt=now - ABANDONED_UPLOAD_AFTER
    ):
        files = _stored_files(video)
        # Only when no piece arrived since it was read: a compare-and-set on the row.
        deleted, _rows = StoryVideo.objects.filter(
            pk=video.pk, state=VideoState.UPLOADING, updated_at=video.updated_at
        ).delete()
        if deleted:
            _delete_stored(files)


def _converted(video_id: int, original_name: str, **fields: Any) -> str:
    """Store the outcome, unless the video was replaced or removed meanwhile."""
    changed = StoryVideo.objects.filter(
        pk=video_id, state=VideoState.CONVERTING, original=original_name
    ).update(updated_at=timezone.now(), **fields)
    return str(fields["state"]) if changed == 1 else "replaced"


# ---------------------------------------------------------------------------------------------
# What the review needs


def uses_video(story: Story, video: StoryVideo | None) -> bool:
    return story.format == Format.REEL or (story.format == Format.STORY and video is not None)


def video_problems(story: Story, video: StoryVideo | None, images: list[StoryImage]) -> list[str]:
    """What keeps a reel or a video story from going further (instead of the photo count rules)."""
    problems = []
    if video is None:
        problems.append(_("Add the reel's video."))
    elif video.state == VideoState.REFUSED:
        problems.append(_("The video was refused: %(reason)s") % {"reason": video.problem_shown})
    elif video.state == VideoState.TOO_LONG:
        problems.append(
            _("The video is too long for a story: keep its first 60 seconds or upload a shorter clip.")
        )
    elif video.state == VideoState.UPLOADING:
        problems.append(_("The video has not finished uploading."))
    elif video.state == VideoState.CHECKING:
        problems.append(_("The video is still being checked."))
    elif not video.is_ready:
        problems.append(_("The video is still being converted."))
    elif story.format == Format.REEL and video.cover == CoverChoice.PHOTO and video.cover_is_making:
        problems.append(_("The cover photo is still being made."))
    if video is not None and video.consent_confirmed_at is None:
        problems.append(
            _(
                "Confirm that everyone who can be recognised in the video agreed, or that nobody can be recognised."
            )
        )
    if images:
        problems.append(_("A video post shows its video only: remove the photos."))
    if story.format == Format.REEL and not story.caption.strip():
        problems.append(_("A reel needs a caption."))
    return problems
