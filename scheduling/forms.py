from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stories.models import Objective

from .models import BERLIN, EventKind

POSTS = "posts"


def kind_choices() -> list[tuple[str, Any]]:
    return [("", _("All kinds")), (POSTS, _("Posts only")), *EventKind.choices]


class CalendarFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=kind_choices)
    objective = forms.ChoiceField(
        label=_("Objective of the posts"),
        required=False,
        choices=[("", _("All objectives")), *Objective.choices],
    )


class BerlinDateTimeField(forms.DateTimeField):
    """A date and time typed as Europe/Berlin wall-clock time."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
    )

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str) and value.strip():
            try:
                parsed = datetime.fromisoformat(value.strip())
            except ValueError:
                raise forms.ValidationError(_("Enter a date and time like 2026-03-29 11:00.")) from None
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=BERLIN)
            return parsed
        return super().to_python(value)


class PostActionForm(forms.Form):
    when = BerlinDateTimeField(label=_("Date and time (Europe/Berlin)"), required=False)
    text = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class InviteForm(forms.Form):
    publication = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    contributor = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
