"""The form of a video's cover and feed setting (the upload itself arrives in pieces, see
`stories.views.videos`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .videos import CoverChoice


class VideoSettingsForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "Everyone who can be recognised in the video agreed to its publication on @cmsatdesy, or nobody can be recognised"
        ),
        required=False,
    )
    cover = forms.ChoiceField(
        label=_("Cover"),
        choices=CoverChoice.choices,
        widget=forms.RadioSelect,
        initial=CoverChoice.FRAME,
        required=False,
    )
    cover_seconds = forms.DecimalField(
        label=_("Frame for the cover, at (seconds)"),
        min_value=0,
        max_value=15 * 60,
        decimal_places=2,
        required=False,
        help_text=_("Play the video, pause where the cover should be, and press “Use this moment”."),
    )
    # A plain file field: ImageField would decode the photo in the request. The service checks
    # its header; the worker decodes it and makes the JPEG cover.
    cover_photo = forms.FileField(
        label=_("Cover photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,.heic"}),
        help_text=_("JPEG, PNG, WebP or HEIC; it is made into the cover in the background."),
    )
    share_to_feed = forms.BooleanField(
        label=_("Also show the reel in the account's feed"), required=False, initial=True
    )
