"""The story pages: parse the request, call one service per change, render.

Who may open what is decided by `Story.objects.visible_to` (a story one may not see is a 404,
so guessing ids tells nothing) and `stories.permissions`; the services check again.
"""

from .editing import story_edit, story_new
from .invitations import invitation_accept, invitation_decline
from .lists import my_stories, review_queue
from .photos import (
    carousel_ratio,
    consent_withdraw,
    image_crop,
    image_original,
    image_preview,
    image_rendition,
)
from .story_page import comment_create, story_detail, story_diff, story_transition

__all__ = [
    "carousel_ratio",
    "comment_create",
    "consent_withdraw",
    "image_crop",
    "image_original",
    "image_preview",
    "image_rendition",
    "invitation_accept",
    "invitation_decline",
    "my_stories",
    "review_queue",
    "story_detail",
    "story_diff",
    "story_edit",
    "story_new",
    "story_transition",
]
