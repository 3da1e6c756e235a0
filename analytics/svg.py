"""Line and bar charts drawn as SVG on the server, from numbers.

The PDF of the monthly report is made without a browser (WeasyPrint runs no JavaScript), and a
printed page should not depend on a script either, so these charts are plain markup. Every text
that goes into the markup is escaped here; the result is marked safe for that reason alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colours that stay apart in grey print and for the common colour-vision deficiencies.
PALETTE = ("#1f5fa8", "#e08a00", "#2a9d8f", "#8e44ad", "#c0392b", "#7f8c8d")
HIGHLIGHT = "#c0392b"

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | int | None]
    colour: str = ""


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    left: int = 64
    right: int = 16
    top: int = 36
    bottom: int = 48
    extra: list[str] = field(default_factory=list)

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value * (1 - 1e-9):
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop always returns


TICKS = 4


def axis_top(largest: float) -> float:
    """The top of the value axis: four equal steps, each a round number."""
    return TICKS * nice_ceiling(largest / TICKS)


def _number(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return number_format(round(value, decimals), decimals, use_l10n=True, force_grouping=True)


def _text(
    x: float, y: float, text: str, *, anchor: str = "start", size: int = 11, weight: str = "normal"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'font-weight="{weight}" text-anchor="{anchor}" fill="#222">{escape(text)}</text>'
    )


def _colour(series: Series, index: int) -> str:
    return series.colour or PALETTE[index % len(PALETTE)]


def _open(frame: _Frame, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {frame.width} {frame.height}" width="{frame.width}" height="{frame.height}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{frame.width}" height="{frame.height}" fill="#fff"/>',
        _text(frame.left, 18, title, size=13, weight="bold"),
    ]


def _value_axis(frame: _Frame, top_value: float) -> list[str]:
    parts = []
    for step in range(TICKS + 1):
        value = top_value * step / TICKS
        y = frame.top + frame.plot_height * (1 - step / TICKS)
        parts.append(
            f'<line x1="{frame.left}" y1="{y:.1f}" x2="{frame.width - frame.right}" y2="{y:.1f}" '
            f'stroke="{"#444" if step == 0 else "#ddd"}" stroke-width="1"/>'
        )
        parts.append(_text(frame.left - 6, y + 4, _number(value), anchor="end", size=10))
    return parts


def _legend(frame: _Frame, series: Sequence[Series]) -> list[str]:
    parts = []
    x = float(frame.left)
    y = frame.height - 10
    for index, one in enumerate(series):
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{_colour(one, index)}"/>'
        )
        parts.append(_text(x + 14, y, one.label, size=10))
        x += 24 + 6.5 * len(one.label)
    return parts


def _category_labels(
    frame: _Frame, labels: Sequence[str], centres: Sequence[float], most: int = 8
) -> list[str]:
    if not labels:
        return []
    every = max(1, math.ceil(len(labels) / most))
    return [
        _text(centres[index], frame.top + frame.plot_height + 16, labels[index], anchor="middle", size=10)
        for index in range(0, len(labels), every)
    ]


def _finish(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    # Safe: every text above went through escape(); the rest is numbers and fixed markup.
    return mark_safe("".join(parts))  # noqa: S308


def line_chart(
    *, title: str, labels: Sequence[str], series: Sequence[Series], width: int = 640, height: int = 260
) -> SafeString:
    """One line per series over the categories ``labels`` (days, weeks, months)."""
    frame = _Frame(width, height)
    values = [float(v) for one in series for v in one.values if v is not None]
    top_value = axis_top(max(values, default=0))
    parts = _open(frame, title) + _value_axis(frame, top_value)
    count = len(labels)

    def x_of(index: int) -> float:
        if count <= 1:
            return frame.left + frame.plot_width / 2
        return frame.left + frame.plot_width * index / (count - 1)

    def y_of(value: float) -> float:
        return frame.top + frame.plot_height * (1 - value / top_value)

    for index, one in enumerate(series):
        points = [f"{x_of(i):.1f},{y_of(float(v)):.1f}" for i, v in enumerate(one.values) if v is not None]
        if len(points) == 1:
            x, y = points[0].split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{_colour(one, index)}"/>')
        elif points:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{_colour(one, index)}" '
                'stroke-width="2" stroke-linejoin="round"/>'
            )
    parts += _category_labels(frame, labels, [x_of(i) for i in range(count)])
    parts += _legend(frame, series)
    return _finish(parts)


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    width: int = 640,
    height: int = 260,
    highlight: Sequence[int] = (),
    stacked: bool = False,
) -> SafeString:
    """Bars per category, side by side or ``stacked``; the categories in ``highlight`` are marked
    by a shaded band behind their bars."""
    frame = _Frame(width, height)

    def value_at(one: Series, category: int) -> float | None:
        value = one.values[category] if category < len(one.values) else None
        return None if value is None else float(value)

    if stacked:
        heights = [sum(value_at(one, c) or 0 for one in series) for c in range(len(labels))]
    else:
        heights = [value_at(one, c) or 0 for one in series for c in range(len(labels))]
    top_value = axis_top(max(heights, default=0))
    parts = _open(frame, title) + _value_axis(frame, top_value)
    count = max(len(labels), 1)
    slot = frame.plot_width / count
    group = slot * 0.8
    bar = group if stacked else group / max(len(series), 1)
    centres = []
    for category in range(len(labels)):
        start = frame.left + slot * category + (slot - group) / 2
        centres.append(start + group / 2)
        if category in highlight:
            parts.append(
                f'<rect x="{start - 2:.1f}" y="{frame.top:.1f}" width="{group + 4:.1f}" '
                f'height="{frame.plot_height:.1f}" fill="#fdecea"/>'
            )
        base = 0.0
        for index, one in enumerate(series):
            value = value_at(one, category)
            if value is None:
                continue
            bar_height = frame.plot_height * value / top_value
            x = start if stacked else start + bar * index
            y = frame.top + frame.plot_height - base - bar_height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar - 1, 1):.1f}" height="{bar_height:.1f}" '
                f'fill="{_colour(one, index)}"/>'
            )
            if stacked:
                base += bar_height
    parts += _category_labels(frame, labels, centres)
    parts += _legend(frame, series)
    return _finish(parts)
