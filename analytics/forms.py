from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .periods import EARLIEST, LONGEST_DAYS, Period


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class RangeForm(forms.Form):
    """The days the dashboard shows; the previous period of the same length is compared."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To (inclusive)"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None or end is None:
            return cleaned
        if start > end:
            raise forms.ValidationError(_("The start must be on or before the end."), code="order")
        if start < EARLIEST:
            raise forms.ValidationError(
                _("Choose a start on or after %(day)s.") % {"day": date_format(EARLIEST)}, code="early"
            )
        if end > timezone.localdate():
            raise forms.ValidationError(
                _("Choose an end on or before today (%(day)s).") % {"day": date_format(timezone.localdate())},
                code="future",
            )
        if (end - start).days + 1 > LONGEST_DAYS:
            raise forms.ValidationError(_("Choose at most three years at a time."), code="long")
        return cleaned

    def period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])
