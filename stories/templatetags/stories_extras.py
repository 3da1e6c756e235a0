"""Small template filters of the story pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def who(user: Any) -> str:
    """A person's name as the group knows it; the account may be gone (SET_NULL)."""
    if user is None:
        return _("a former member")
    # An account without a profile raises RelatedObjectDoesNotExist, an AttributeError.
    contributor = getattr(user, "contributor", None)
    if contributor is not None and contributor.name:
        return str(contributor.name)
    return str(user.get_full_name() or user.get_username())


@register.simple_tag
def result_of(story: Any) -> dict[str, Any]:
    """The story's result as the page shows it: a title (when known) and where to read it."""
    from ..validators import reference_links, result_links

    publication = story.publication
    if publication is None:
        return {"title": "", "links": reference_links(story.result_reference), "known": False}
    title = publication.title
    ids = {publication.arxiv_id, publication.doi, publication.cms_id} - {""}
    if title.strip() in ids:
        # Imported without a title of its own: the id says it once, in the link.
        title = ""
    return {
        "title": title,
        "links": result_links(arxiv_id=publication.arxiv_id, doi=publication.doi, cms_id=publication.cms_id),
        "known": True,
    }


@register.filter
def under_a_minute(moment: Any) -> bool:
    """True for a moment less than a minute ago ("for 0 minutes" reads "just now")."""
    from datetime import timedelta

    from django.utils import timezone

    return moment is not None and timezone.now() - moment < timedelta(minutes=1)


@register.filter
def waited(moment: Any) -> str:
    """How long since `moment`, as the queue says it: "just now" rather than "0 minutes"."""
    from django.utils.timesince import timesince

    if moment is None:
        return ""
    return _("just now") if under_a_minute(moment) else timesince(moment)


@register.filter
def status_badge(status: str) -> str:
    """The badge colour of a story's status (as stories/_status.html draws it)."""
    if status == "approved":
        return "text-bg-success"
    if status == "changes_requested":
        return "text-bg-warning"
    if status in ("rejected", "withdrawn"):
        return "text-bg-secondary"
    if status == "draft":
        return "text-bg-light border"
    return "text-bg-primary"


# A story's choice labels by dictionary: `get_FOO_display` rebuilds its lookup on every call,
# which in a list of 25 stories took a tenth of the page's time.
_CHOICE_LABELS: dict[tuple[str, str], dict[str, Any]] = {}


@register.filter
def choice_label(story: Any, field: str) -> Any:
    """The (translated) label of `story`'s choice `field`, e.g. ``{{ story|choice_label:"status" }}``."""
    key = (story._meta.label, field)
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = _CHOICE_LABELS[key] = dict(story._meta.get_field(field).flatchoices)
    value = getattr(story, field)
    return labels.get(value, value)
