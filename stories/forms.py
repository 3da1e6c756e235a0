"""The forms of the story pages. They parse and check input; the services make the changes."""

from __future__ import annotations

import math
from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from contributors.models import Contributor

from .captions import CAPTION_MAX_CHARS, MAX_HASHTAGS, MAX_MENTIONS, caption_problems
from .crops import CHOSEN_RATIO_CHOICES
from .images import CropBox
from .models import (
    ALT_TEXT_MAX_CHARS,
    COMMENT_MAX_CHARS,
    MAX_IMAGES,
    Format,
    Objective,
    Status,
    Story,
    StoryImage,
)
from .queries import ALL, AWAITING
from .validators import validate_result_reference

DEFAULT_CONSENT_WORDING = _(
    "I agree that photos showing me are posted on the @cmsatdesy Instagram account of the CMS group "
    "at DESY, with my name if I wish, and that I can withdraw this at any time."
)
# Headroom for typing beyond the limit: the counter turns red and the server explains.
CAPTION_INPUT_MAX = 20_000


def _label(field: str) -> Any:
    return capfirst(cast(Any, Story._meta.get_field(field)).verbose_name)


def _help_text(message: Any, **values: Any) -> Any:
    """A help text with numbers in it, formatted when shown: `gettext_lazy(...) % values` would
    freeze it in the language active at import (English). Callable values are called then too."""
    return lazy(lambda: str(message) % {k: v() if callable(v) else v for k, v in values.items()}, str)()


class _NoTagHelper(FormHelper):
    """Fields only: the page wraps several forms in one <form>."""

    def __init__(self) -> None:
        super().__init__()
        self.form_tag = False
        self.disable_csrf = True


class ContributorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Contributor) -> str:
        return obj.name


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class StoryForm(forms.Form):
    """The text of a story. `version` is the one the editor loaded (see services.story_update)."""

    title = forms.CharField(label=_label("title"), max_length=200)
    objective = forms.ChoiceField(
        label=_label("objective"),
        choices=Objective.choices,
        help_text=_("What should the post do for the group?"),
    )
    format = forms.ChoiceField(label=_label("format"), choices=Format.choices, initial=Format.SINGLE_IMAGE)
    caption = forms.CharField(
        label=_label("caption"),
        required=False,
        max_length=CAPTION_INPUT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "data-caption-input": ""}),
        help_text=_help_text(
            _(
                "Up to %(chars)s characters, %(tags)s hashtags and %(mentions)s @-mentions. "
                "Only the first lines show before “… more”."
            ),
            chars=lambda: number_format(CAPTION_MAX_CHARS, force_grouping=True),
            tags=MAX_HASHTAGS,
            mentions=MAX_MENTIONS,
        ),
    )
    co_authors = ContributorChoiceField(
        label=_label("co_authors"),
        queryset=Contributor.objects.none(),
        required=False,
        help_text=_(
            "Colleagues who tell the story with you. Each is asked by e-mail; once they accept, they can "
            "follow and change it too."
        ),
    )
    result_reference = forms.CharField(
        label=_("Related result"),
        required=False,
        max_length=200,
        validators=[validate_result_reference],
        help_text=_("An arXiv id (2511.01234), a DOI (10.1234/abcd) or a CMS result id (CMS-HIG-25-001)."),
    )
    preferred_from = forms.DateField(label=_label("preferred_from"), required=False, widget=DateInput())
    preferred_until = forms.DateField(label=_label("preferred_until"), required=False, widget=DateInput())
    # Read leniently: a damaged version is treated as an old one, i.e. as an edit conflict.
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    def __init__(self, *args: Any, user: Any, story: Story | None = None, **kwargs: Any) -> None:
        if story is not None and "initial" not in kwargs:
            kwargs["initial"] = story_initial(story)
        super().__init__(*args, **kwargs)
        queryset = Contributor.objects.select_related("user").filter(user__is_active=True)
        if story is None:
            queryset = queryset.exclude(user=user)
        else:
            # A co-author who saves keeps their place (leaving it out would drop them, and with it
            # their access); anyone else editing, the team, cannot make themselves an author.
            queryset = queryset.exclude(pk=story.author_id)
            if not story.co_authors.filter(user=user).exists():
                queryset = queryset.exclude(user=user)
        co_authors = self.fields["co_authors"]
        assert isinstance(co_authors, forms.ModelMultipleChoiceField)
        co_authors.queryset = queryset.order_by("display_name", "user__username")
        self.helper = _NoTagHelper()

    def clean_version(self) -> int:
        value = self.cleaned_data.get("version") or ""
        return int(value) if value.isascii() and value.isdigit() else -1

    def clean_caption(self) -> str:
        caption = self.cleaned_data.get("caption", "")
        problems = caption_problems(caption)
        if problems:
            raise ValidationError(problems)
        return caption

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("preferred_from"), data.get("preferred_until")
        if start and end and end < start:
            self.add_error("preferred_until", _("The end of the preferred period is before its start."))
        return data

    def service_fields(self) -> dict[str, Any]:
        """What services.story_create and story_update take, from the fields that are valid."""
        data = self.cleaned_data
        names = (
            "title",
            "objective",
            "format",
            "caption",
            "co_authors",
            "result_reference",
            "preferred_from",
            "preferred_until",
        )
        return {name: data[name] for name in names if name in data}


def story_initial(story: Story) -> dict[str, Any]:
    return {
        "title": story.title,
        "objective": story.objective,
        "format": story.format,
        "caption": story.caption,
        # Named co-authors: those who accepted and those still invited.
        "co_authors": [*story.co_authors.all(), *(i.contributor for i in story.invitations.all())],
        "result_reference": story.result_reference,
        "preferred_from": story.preferred_from,
        "preferred_until": story.preferred_until,
        "version": story.version,
    }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once. Each is judged on its own in the view, so one bad file costs
    nobody the others."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={
                    "accept": "image/*,.heic,.heif",
                    "data-max-files": str(MAX_IMAGES),
                    "data-note-id": "photos-note",
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        return data


class PhotosForm(forms.Form):
    photos = PhotosField(
        label=_("Add photos"),
        required=False,
        help_text=_help_text(
            _("JPEG, PNG, WebP or HEIC (from a phone), up to %(max)d photos per story."), max=MAX_IMAGES
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _NoTagHelper()


# Blank person rows offered per photo to a browser without JavaScript (the page's script removes
# them: rows come with "Add a person"), up to the cap per save (which also keeps a full carousel
# well under the request's field limit).
PERSON_ROWS = 1
MAX_PEOPLE_PER_SAVE = 20
# Stands for the person's number in the row the page copies when "Add a person" is pressed.
PERSON_NUMBER_PLACEHOLDER = "__number__"
# Stands for the key of a photo chosen on the page and not uploaded yet (its fields' prefix is
# "new-<key>"), in the card the page copies for each photo chosen.
NEW_PHOTO_KEY_PLACEHOLDER = "__key__"


def _label_template(message: Any, **values: Any) -> str:
    """A label with "{n}" where the photo's number goes, in the language shown: the page puts
    the number in when the photos are reordered."""
    text = str(message).replace("%(number)d", "{n}")
    return text % values if values else text


class PersonForm(forms.Form):
    """One person shown in a photo and their consent. A row left empty is no person."""

    name = forms.CharField(required=False, max_length=200)
    contact = forms.CharField(
        required=False,
        max_length=300,
        help_text=_("E-mail or phone number, to reach them if anything changes."),
    )
    consent_wording = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        initial=DEFAULT_CONSENT_WORDING,
    )
    consent_recorded = forms.BooleanField(required=False)

    def __init__(self, *args: Any, photo_number: int, first_number: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        index = (self.prefix or "").rsplit("-", 1)[-1]
        person = str(first_number + int(index)) if index.isdigit() else PERSON_NUMBER_PLACEHOLDER
        labels = {
            "name": _("Name of person %(person)s in photo %(number)d"),
            "contact": _("Their contact (person %(person)s, photo %(number)d)"),
            "consent_wording": _("Wording they agreed to (person %(person)s, photo %(number)d)"),
            "consent_recorded": _("I have recorded their consent (person %(person)s, photo %(number)d)"),
        }
        for name, label in labels.items():
            self.fields[name].label = label % {"person": person, "number": photo_number}
            self.fields[name].widget.attrs["data-label-template"] = _label_template(label, person=person)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["contact"].widget.attrs["autocomplete"] = "off"

    def is_blank(self) -> bool:
        """Nothing that names or reaches a person, and no consent ticked; the wording alone
        (filled in for everyone) does not make a person."""
        data = self.cleaned_data
        return not (
            data.get("name", "").strip() or data.get("contact", "").strip() or data.get("consent_recorded")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors or self.is_blank():
            return data
        if not data.get("name", "").strip():
            if data.get("consent_recorded"):
                self.add_error("name", _("Give the name of the person whose consent you recorded."))
            else:
                self.add_error("name", _("Give the name of the person shown."))
        if not data.get("consent_wording", "").strip():
            self.add_error("consent_wording", _("Record the wording the person agreed to."))
        if not data.get("consent_recorded"):
            self.add_error(
                "consent_recorded",
                _("Confirm that you have recorded this person's consent, or empty this row for now."),
            )
        return data


class BasePersonFormSet(forms.BaseFormSet):
    default_error_messages = {
        # The formset fills in %(num)d (the cap) itself.
        "too_many_forms": _("Add at most %(num)d people to a photo at a time; save, then add more."),
    }

    def people(self) -> list[PersonForm]:
        """The rows that name a person (call after is_valid)."""
        return [form for form in self.forms if form.cleaned_data and not form.is_blank()]


PersonFormSet = cast(
    type[BasePersonFormSet],
    forms.formset_factory(
        PersonForm,
        formset=BasePersonFormSet,
        extra=PERSON_ROWS,
        max_num=MAX_PEOPLE_PER_SAVE,
        absolute_max=MAX_PEOPLE_PER_SAVE,
        validate_max=True,
    ),
)


class ImageForm(forms.Form):
    """Alt text, position, the people shown and their consent, for one photo of the story.

    The people are rows of a formset (`self.people`), several per save; empty rows are ignored.
    """

    position = forms.IntegerField(min_value=1, max_value=MAX_IMAGES)
    alt_text = forms.CharField(
        required=False,
        max_length=ALT_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_help_text(
            _("Describe the photo for people who cannot see it (up to %(max)d characters)."),
            max=ALT_TEXT_MAX_CHARS,
        ),
    )
    no_identifiable_person = forms.BooleanField(required=False)
    remove = forms.BooleanField(required=False)

    def __init__(
        self, data: Any = None, *args: Any, image: StoryImage | None, number: int, **kwargs: Any
    ) -> None:
        """`image` None: a photo chosen on the page and not uploaded yet (give its `prefix`)."""
        if image is not None:
            kwargs.setdefault("prefix", f"image-{image.pk}")
            kwargs.setdefault(
                "initial",
                {
                    "position": number,
                    "alt_text": image.alt_text,
                    "no_identifiable_person": image.no_identifiable_person,
                },
            )
        super().__init__(data, *args, **kwargs)
        self.image = image
        self.number = number
        labels = {
            "position": _("Position of photo %(number)d"),
            "alt_text": _("Alt text for photo %(number)d"),
            "no_identifiable_person": _("Nobody can be recognised in photo %(number)d"),
            "remove": _("Remove photo %(number)d from the story"),
        }
        if image is None:
            del self.fields["position"], self.fields["remove"]
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label % {"number": number}
                if name != "position":  # hidden where the page has a script
                    self.fields[name].widget.attrs["data-label-template"] = _label_template(label)
        if "position" in self.fields:
            self.fields["position"].widget.attrs.update({"data-position": "", "inputmode": "numeric"})
        self.fields["alt_text"].widget.attrs["rows"] = 2
        # Said once above the photos (with the limit), not under each of up to ten.
        self.fields["alt_text"].help_text = ""
        self.fields["no_identifiable_person"].widget.attrs["data-nobody"] = ""
        people_prefix = f"{self.prefix}-people"
        if data is not None and f"{people_prefix}-TOTAL_FORMS" not in data:
            # A page from before people came in rows (or a hand-made request): no people rows.
            data = data.copy()
            data[f"{people_prefix}-TOTAL_FORMS"] = "0"
            data[f"{people_prefix}-INITIAL_FORMS"] = "0"
        # Rows are numbered after the people already recorded, so every label on the page differs.
        self.people = PersonFormSet(
            data,
            prefix=people_prefix,
            form_kwargs={
                "photo_number": number,
                "first_number": (len(image.people.all()) if image is not None else 0) + 1,
            },
        )

    def new_people(self) -> list[PersonForm]:
        """The rows that name a person (call after is_valid)."""
        return self.people.people() if self.people.is_valid() else []

    def has_person(self) -> bool:
        return bool(self.new_people())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors or data.get("remove"):
            return data
        if not self.people.is_valid():
            self.add_error(
                None,
                _(
                    "Some people added to photo %(number)d are incomplete; see the marked rows. "
                    "Empty a row to leave that person out."
                )
                % {"number": self.number},
            )
        elif self.has_person() and data.get("no_identifiable_person"):
            self.add_error(
                "no_identifiable_person",
                _("You named a person shown in this photo; untick “nobody can be recognised”."),
            )
        return data


class PhotoChoiceField(forms.ModelChoiceField):
    """Photos by their number in the carousel, as the page shows them."""

    numbers: dict[int, int] = {}

    def label_from_instance(self, obj: Any) -> str:
        return _("Photo %(number)d") % {"number": self.numbers.get(obj.pk, obj.position + 1)}


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=COMMENT_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )
    image = PhotoChoiceField(
        label=_("About photo"),
        queryset=StoryImage.objects.none(),
        required=False,
        empty_label=_("The whole story"),
    )

    def __init__(
        self, *args: Any, story: Story, images: list[StoryImage] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["image"]
        assert isinstance(field, PhotoChoiceField)
        field.queryset = StoryImage.objects.filter(story=story)
        field.numbers = {image.pk: number for number, image in enumerate(images or [], start=1)}


class CarouselRatioForm(forms.Form):
    ratio = forms.ChoiceField(
        label=_("Ratio of every photo in the carousel"), choices=CHOSEN_RATIO_CHOICES, required=False
    )


class TransitionForm(forms.Form):
    """What a reviewer writes along with a decision (required for some)."""

    text = forms.CharField(
        max_length=COMMENT_MAX_CHARS, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _fraction(label: Any) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=0.0,
        max_value=1.0,
        widget=forms.NumberInput(attrs={"step": "0.0001", "inputmode": "decimal"}),
    )


class CropForm(forms.Form):
    """A crop box as fractions of the upright photo; services clamp it to what Instagram takes."""

    crop_x = _fraction(_("Left edge (0–1)"))
    crop_y = _fraction(_("Top edge (0–1)"))
    crop_width = _fraction(_("Width (0–1)"))
    crop_height = _fraction(_("Height (0–1)"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        values = [data.get(name) for name in ("crop_x", "crop_y", "crop_width", "crop_height")]
        if all(value is not None for value in values):
            if not all(math.isfinite(value) for value in values):  # type: ignore[arg-type]
                raise ValidationError(_("The crop must be given as numbers between 0 and 1."))
            if data["crop_width"] <= 0 or data["crop_height"] <= 0:
                raise ValidationError(_("The crop box needs a width and a height above 0."))
        return data

    def box(self) -> CropBox:
        data = self.cleaned_data
        return CropBox(
            x=data["crop_x"], y=data["crop_y"], width=data["crop_width"], height=data["crop_height"]
        )


WAITING_CHOICES = [
    ("", _("Any time")),
    ("1", _("More than a day")),
    ("3", _("More than 3 days")),
    ("7", _("More than a week")),
    ("14", _("More than two weeks")),
]


class FlatSelect(forms.Select):
    """A single-choice select written out in Python: Django draws each option through a template
    of its own, which for the queue's six filters took a tenth of the page's time."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (choice, mark_safe(" selected") if str(choice) in chosen else "", label)
                for choice, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class ReviewFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search titles and captions"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(AWAITING, _("Waiting for a decision")), (ALL, _("All"))]
        + [(value, label) for value, label in Status.choices if value != Status.DRAFT],
        widget=FlatSelect,
    )
    objective = forms.ChoiceField(
        label=_("Objective"), required=False, choices=[("", _("All"))] + Objective.choices, widget=FlatSelect
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All"))] + Format.choices, widget=FlatSelect
    )
    author = forms.CharField(label=_("Author"), required=False, max_length=100)
    waiting = forms.ChoiceField(
        label=_("Waiting"), required=False, choices=WAITING_CHOICES, widget=FlatSelect
    )
    result = forms.ChoiceField(
        label=_("Linked result"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Linked to a result")), ("no", _("Not linked"))],
        widget=FlatSelect,
    )
    mine = forms.BooleanField(label=_("Only stories I took"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Bootstrap's classes on the widgets: the queue renders its filters without a form layout
        # library, which took a fifth of the page's time.
        for field in self.fields.values():
            widget = field.widget
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else "form-select"
                if isinstance(widget, forms.Select)
                else "form-control"
            )
            widget.attrs["class"] = css
        if self.is_bound:
            for name in self.errors:
                if name in self.fields:
                    self.fields[name].widget.attrs["class"] += " is-invalid"


class RevisionChoiceForm(forms.Form):
    a = forms.IntegerField(label=_("Compare revision"), min_value=1)
    b = forms.IntegerField(label=_("with revision"), min_value=1)
