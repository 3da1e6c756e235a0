"""Every change to a story, its photos, the people shown and the comments.

Each function takes keyword arguments only, checks who may do it on the row it has locked, runs
in one transaction, leaves an audit row (`StoryEvent`) for each change, and refuses with a
`StoryError` whose `message` is meant for the person who tried. E-mails and signals go out
after commit. No function here sees a request. The sections: `editing` (create, update, link a
result), `workflow` (one service per action of `stories.workflow`), `photos`, `people` (consent),
`comments`, `coauthors` (answering an invitation), `notices` (e-mail through the worker).
"""

from ..errors import (
    ApprovalBlocked,
    EditConflict,
    InvalidInput,
    LimitReached,
    NotAllowed,
    StepBlocked,
    StoryError,
    SubmissionBlocked,
    TransitionNotAllowed,
)
from ..images import ImageRejected
from .coauthors import co_author_accept, co_author_decline
from .comments import comment_add
from .editing import link_result, record_admin_change, story_create, story_update
from .notices import notify
from .people import consent_withdraw, erase_expired_contacts, person_add, person_forget, person_remove
from .photos import (
    approval_warnings,
    image_add,
    image_make_rendition,
    image_preview,
    image_remove,
    image_reorder,
    image_update,
    needed_ratio,
    photo_cut,
    refit_photos,
    story_set_carousel_ratio,
)
from .saving import PhotoEdit, SaveOutcome, story_save
from .workflow import (
    approval_problems,
    story_approve,
    story_lift_hold,
    story_put_on_hold,
    story_reject,
    story_request_changes,
    story_resubmit,
    story_science_request_changes,
    story_science_signoff,
    story_start_review,
    story_submit,
    story_take_back,
    story_withdraw,
    submission_problems,
)

__all__ = [
    "ApprovalBlocked",
    "EditConflict",
    "ImageRejected",
    "InvalidInput",
    "LimitReached",
    "NotAllowed",
    "PhotoEdit",
    "SaveOutcome",
    "StepBlocked",
    "StoryError",
    "SubmissionBlocked",
    "TransitionNotAllowed",
    "approval_problems",
    "approval_warnings",
    "needed_ratio",
    "co_author_accept",
    "co_author_decline",
    "comment_add",
    "consent_withdraw",
    "erase_expired_contacts",
    "image_add",
    "image_make_rendition",
    "image_preview",
    "image_remove",
    "image_reorder",
    "image_update",
    "link_result",
    "notify",
    "person_add",
    "photo_cut",
    "refit_photos",
    "person_forget",
    "person_remove",
    "record_admin_change",
    "story_approve",
    "story_create",
    "story_lift_hold",
    "story_put_on_hold",
    "story_reject",
    "story_request_changes",
    "story_resubmit",
    "story_science_request_changes",
    "story_science_signoff",
    "story_start_review",
    "story_take_back",
    "story_submit",
    "story_save",
    "story_set_carousel_ratio",
    "story_update",
    "story_withdraw",
    "submission_problems",
]
