"""How figures read on the dashboard, in the report and in its PDF (the same words everywhere)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def _number(value: float, decimals: int) -> str:
    # Django's number_format cuts off further decimals instead of rounding (9.99999 → "9.9").
    return number_format(round(float(value), decimals), decimals, use_l10n=True, force_grouping=True)


@register.filter
def figure(value: Any) -> str:
    """A count with the language's thousands separator; a dash where Instagram gave nothing."""
    if value is None or value == "":
        return "—"
    return _number(value, 0 if float(value).is_integer() else 1)


@register.filter
def percent(value: Any) -> str:
    """A share (0.632) as a percentage ("63.2%", German "63,2 %")."""
    if value is None or value == "":
        return "—"
    return _("%(number)s%%") % {"number": _number(float(value) * 100, 1)}


@register.filter
def cell(item: dict[str, Any]) -> str:
    if item.get("text") is not None:
        return str(item["text"])
    return percent(item["value"]) if item["is_share"] else figure(item["value"])


@register.filter
def change(headline: Any) -> str:
    """The change against the previous period, in words that say what it is measured in."""
    difference = headline.change
    if difference is None:
        return _("no earlier figures to compare")
    shown = round(abs(difference) * (1 if headline.is_share else 100), 1)
    sign = "±" if shown == 0 else ("+" if difference > 0 else "−")
    if headline.is_share:
        number = _number(abs(difference), 1)
        return _("%(sign)s%(number)s percentage points") % {"sign": sign, "number": number}
    number = _number(abs(difference) * 100, 1)
    return _("%(sign)s%(number)s%%") % {"sign": sign, "number": number}


@register.filter
def trend(headline: Any) -> str:
    """up, down or flat, for the colour of the change."""
    difference = headline.change
    if not difference:
        return "flat"
    return "up" if difference > 0 else "down"
