"""The one rule for how each photo of a story is cut for Instagram, and how much of it is lost.

The rule, plainly (the story form's JavaScript repeats it for photos not yet uploaded, so keep
the two in step):

1. Instagram shows a post at a ratio (width ÷ height) between 4:5 (0.8) and 1.91:1 (1.91).
2. A single photo keeps its own ratio, brought into that range: ratio = clamp(width ÷ height,
   0.8, 1.91).
3. A carousel shows every item at one ratio. That ratio is the one the team chose for the
   carousel — 4:5 (0.8), 1:1 (1.0) or 1.91:1 (1.91) — or, when the team has chosen none, the
   ratio of the carousel's FIRST photo as in rule 2. Whenever the order changes, the ratio
   follows the new first photo.
4. Unless the team has set a crop by hand, each photo is cut to the largest centred box of its
   ratio. Of a photo whose own ratio is a, cut to ratio r, the part kept is min(a ÷ r, r ÷ a);
   the part lost is 1 − kept.
5. The team may set a crop by hand: on a single photo at any ratio within 4:5..1.91:1, on a
   carousel item at the carousel's ratio. A crop set by hand on a carousel item is kept as long
   as it still has the carousel's ratio (within 1 %). When the ratio changes under it, the crop keeps its centre and about its area at the new
   ratio, and is flagged for the team to look at again.
6. A photo that loses more than a quarter of itself (lost > 0.25) is flagged, and the story page
   and the form say so next to the photo.

Nothing here touches the database; `stories.services.photos` applies the rule to stored photos.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MIN_RATIO = 0.8  # 4:5
MAX_RATIO = 1.91  # 1.91:1
# The part of a photo that may be lost before it is flagged.
LOSS_LIMIT = 0.25
# How close a hand-set crop's ratio must be to the needed one to be kept as it is.
RATIO_TOLERANCE = 0.01

# The ratios the team may choose for a whole carousel (stored code → width ÷ height).
CHOSEN_RATIOS: dict[str, float] = {"4:5": 0.8, "1:1": 1.0, "1.91:1": 1.91}
CHOSEN_RATIO_CHOICES = (
    ("", _("Follow the first photo")),
    ("4:5", _("4:5 (portrait)")),
    ("1:1", _("1:1 (square)")),
    ("1.91:1", _("1.91:1 (landscape)")),
)


def clamp_ratio(ratio: float) -> float:
    return max(MIN_RATIO, min(MAX_RATIO, ratio))


def own_ratio(width: int, height: int) -> float:
    """Rule 2: a photo's own ratio, brought into Instagram's range."""
    if width <= 0 or height <= 0:
        raise ValueError(f"Image size must be positive, got {width}×{height}")
    return clamp_ratio(width / height)


def carousel_ratio(first_width: int, first_height: int, chosen: str = "") -> float:
    """Rule 3: the ratio of every item of a carousel."""
    if chosen in CHOSEN_RATIOS:
        return CHOSEN_RATIOS[chosen]
    return own_ratio(first_width, first_height)


def needed_ratio(
    *, is_carousel: bool, width: int, height: int, first_width: int, first_height: int, chosen: str = ""
) -> float:
    """Rules 2 and 3: the ratio one photo is shown at (`first_*`: the carousel's first photo)."""
    if is_carousel:
        return carousel_ratio(first_width, first_height, chosen)
    return own_ratio(width, height)


def kept_by_default(width: int, height: int, ratio: float) -> float:
    """Rule 4: the part of a photo kept by the largest centred box of `ratio`."""
    own = width / height
    return min(own / ratio, ratio / own)


def kept_by_crop(crop_width: float, crop_height: float) -> float:
    """The part of a photo a crop keeps (the crop as fractions of the upright photo)."""
    return max(0.0, min(1.0, crop_width)) * max(0.0, min(1.0, crop_height))


def loses_too_much(kept: float) -> bool:
    """Rule 6."""
    return 1.0 - kept > LOSS_LIMIT + 1e-9


def ratio_fits(crop_ratio: float, needed: float) -> bool:
    """Rule 5: a hand-set crop still has the needed ratio."""
    return math.isclose(crop_ratio, needed, rel_tol=RATIO_TOLERANCE)


def ratio_label(ratio: float) -> str:
    """How a ratio is said to people: 4:5, 1:1, 1.91:1, or the nearest w:h with a small w and h."""
    for code, value in CHOSEN_RATIOS.items():
        if math.isclose(ratio, value, rel_tol=0.005):
            return code
    best = min(
        ((w, h) for h in range(1, 21) for w in range(1, 41)),
        key=lambda wh: (abs(wh[0] / wh[1] - ratio), wh[1]),
    )
    return f"{best[0]}:{best[1]}"


@dataclass(frozen=True)
class PhotoCut:
    """How one photo will be shown: its ratio, the part kept, and whether to flag it."""

    ratio: float
    kept: float
    hand_crop_refitted: bool = False

    @property
    def lost_percent(self) -> int:
        return round((1.0 - self.kept) * 100)

    @property
    def kept_percent(self) -> int:
        return round(self.kept * 100)

    @property
    def loses_too_much(self) -> bool:
        return loses_too_much(self.kept)

    @property
    def flagged(self) -> bool:
        return self.loses_too_much or self.hand_crop_refitted

    @property
    def ratio_label(self) -> str:
        return ratio_label(self.ratio)
