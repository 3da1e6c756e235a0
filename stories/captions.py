r"""Instagram's caption limits, counted exactly as the live counter in the browser counts them.

Length is counted in Unicode code points: ``len(s)`` here, ``[...s].length`` in JavaScript
(``s.length`` counts UTF-16 units and would count an emoji twice).

The JavaScript counter uses these expressions, equivalent to HASHTAG_PATTERN and MENTION_PATTERN
below (Python's ``\w`` is ``[\p{L}\p{N}_]``):

    hashtags: /(?<![\p{L}\p{N}_#])#[\p{L}\p{N}_]*[\p{L}\p{N}]/gu
    mentions: /(?<![\p{L}\p{N}_@.])@[A-Za-z0-9._]*[A-Za-z0-9_]/gu

A hashtag is ``#`` followed by letters (any script, umlauts included), digits or underscores,
ending on a letter or digit, not glued to a preceding word (``C#`` or ``a#b`` is no hashtag).
A mention is ``@`` and an Instagram handle (ASCII letters, digits, dots, underscores; a trailing
dot is sentence punctuation, not part of the handle), not glued to a preceding word (so an
e-mail address is no mention).
"""

from __future__ import annotations

import re

from django.utils.translation import ngettext

CAPTION_MAX_CHARS = 2200
MAX_HASHTAGS = 30
MAX_MENTIONS = 20
# Instagram's feed shows about this many characters before "… more".
PREVIEW_CHARS = 125

# Python's \w is Unicode-aware: letters of every script, digits and underscore, like
# [\p{L}\p{N}_] in JavaScript. [^\W_] is \w without the underscore.
HASHTAG_PATTERN = re.compile(r"(?<![\w#])#\w*[^\W_]")
MENTION_PATTERN = re.compile(r"(?<![\w@.])@[A-Za-z0-9._]*[A-Za-z0-9_]")


def count_chars(caption: str) -> int:
    return len(caption)


def hashtags(caption: str) -> list[str]:
    return HASHTAG_PATTERN.findall(caption)


def mentions(caption: str) -> list[str]:
    return MENTION_PATTERN.findall(caption)


def count_hashtags(caption: str) -> int:
    return len(hashtags(caption))


def count_mentions(caption: str) -> int:
    return len(mentions(caption))


def caption_problems(caption: str) -> list[str]:
    """What keeps the caption from going out, one translated sentence each; empty if it fits."""
    problems = []
    chars = count_chars(caption)
    if chars > CAPTION_MAX_CHARS:
        problems.append(
            ngettext(
                "The caption has %(count)d character; Instagram allows at most %(limit)d.",
                "The caption has %(count)d characters; Instagram allows at most %(limit)d.",
                chars,
            )
            % {"count": chars, "limit": CAPTION_MAX_CHARS}
        )
    tags = count_hashtags(caption)
    if tags > MAX_HASHTAGS:
        problems.append(
            ngettext(
                "The caption has %(count)d hashtag; Instagram allows at most %(limit)d.",
                "The caption has %(count)d hashtags; Instagram allows at most %(limit)d.",
                tags,
            )
            % {"count": tags, "limit": MAX_HASHTAGS}
        )
    handles = count_mentions(caption)
    if handles > MAX_MENTIONS:
        problems.append(
            ngettext(
                "The caption mentions %(count)d account; Instagram allows at most %(limit)d.",
                "The caption mentions %(count)d accounts; Instagram allows at most %(limit)d.",
                handles,
            )
            % {"count": handles, "limit": MAX_MENTIONS}
        )
    return problems


def preview_cut(caption: str, limit: int = PREVIEW_CHARS) -> tuple[str, bool]:
    """The part of the caption the feed shows before "… more", and whether anything is hidden.

    Instagram also cuts at the second line break, whichever comes first; the cut moves back to
    the last space so that no word is split.
    """
    lines = caption.split("\n")
    shown = "\n".join(lines[:2])
    cut = len(shown) < len(caption)
    if len(shown) > limit:
        shown = shown[:limit]
        space = shown.rfind(" ")
        if space > limit // 2:
            shown = shown[:space]
        cut = True
    return shown.rstrip(), cut
