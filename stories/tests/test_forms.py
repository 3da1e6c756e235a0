"""The story forms on their own: what they accept, what they refuse and how they say it."""

from __future__ import annotations

import pytest

from contributors.tests.factories import contributor_user
from stories.forms import MAX_PEOPLE_PER_SAVE, CropForm, ImageForm, StoryForm
from stories.tests.factories import PersonShownFactory, StoryImageFactory

pytestmark = pytest.mark.django_db


def story_form(**data: str) -> StoryForm:
    fields = {"title": "A title", "objective": "outreach", "format": "single_image", "caption": ""}
    fields.update(data)
    return StoryForm(fields, user=contributor_user())


def test_caption_of_2200_emoji_fits_and_2201_does_not() -> None:
    assert story_form(caption="🎉" * 2200).is_valid()
    form = story_form(caption="🎉" * 2201)
    assert not form.is_valid()
    assert form.errors["caption"] == ["The caption has 2201 characters; Instagram allows at most 2200."]


def test_caption_reports_every_limit_it_breaks_at_once() -> None:
    caption = " ".join(f"#t{n}" for n in range(31)) + " " + " ".join(f"@u{n}" for n in range(21))
    form = story_form(caption=caption)
    assert not form.is_valid()
    assert len(form.errors["caption"]) == 2


def test_preferred_period_must_not_end_before_it_starts() -> None:
    form = story_form(preferred_from="2026-06-02", preferred_until="2026-06-01")
    assert not form.is_valid()
    assert "preferred_until" in form.errors
    assert story_form(preferred_from="2026-06-01", preferred_until="2026-06-01").is_valid()


def test_result_reference_accepts_arxiv_doi_and_cms_ids() -> None:
    for reference in ("2511.01234", "10.1103/PhysRevLett.134.011801", "CMS-HIG-25-001"):
        assert story_form(result_reference=reference).is_valid(), reference
    assert not story_form(result_reference="CMS rocks").is_valid()


def test_the_author_is_not_offered_as_their_own_co_author() -> None:
    user = contributor_user()
    other = contributor_user()
    form = StoryForm(user=user)
    offered = list(form.fields["co_authors"].queryset)
    assert other.contributor in offered and user.contributor not in offered


def image_form(*people: dict[str, str], **data: str) -> ImageForm:
    """One photo's form as posted, with a person row per dict (the rest of the rows empty)."""
    image = StoryImageFactory(no_identifiable_person=False)
    fields: dict[str, str] = {"position": "1", **data, "people-TOTAL_FORMS": "3", "people-INITIAL_FORMS": "0"}
    for index, row in enumerate(people):
        fields.update({f"people-{index}-{key}": value for key, value in row.items()})
    prefixed = {f"image-{image.pk}-{key}": value for key, value in fields.items()}
    return ImageForm(prefixed, image=image, number=1)


def row_errors(form: ImageForm, index: int) -> set[str]:
    return set(form.people.forms[index].errors)


def test_a_person_shown_needs_recorded_consent_and_wording() -> None:
    form = image_form({"name": "Lea", "consent_wording": ""})
    assert not form.is_valid()
    assert row_errors(form, 0) == {"consent_wording", "consent_recorded"}
    assert image_form({"name": "Lea", "consent_wording": "I agree.", "consent_recorded": "on"}).is_valid()


def test_empty_rows_are_no_people_and_the_wording_alone_is_no_person() -> None:
    form = image_form({}, {"consent_wording": "I agree."}, {"name": "  "})
    assert form.is_valid(), form.errors
    assert not form.has_person()


def test_several_people_are_read_from_one_photo_form() -> None:
    form = image_form(
        {"name": "Lea", "consent_wording": "I agree.", "consent_recorded": "on"},
        {},
        {"name": "Jonas", "contact": "jonas@desy.de", "consent_wording": "Ja.", "consent_recorded": "on"},
    )
    assert form.is_valid(), form.errors
    assert [row.cleaned_data["name"] for row in form.new_people()] == ["Lea", "Jonas"]


def test_a_half_filled_row_marks_that_row_and_the_photo() -> None:
    form = image_form(
        {"name": "Lea", "consent_wording": "I agree.", "consent_recorded": "on"},
        {"contact": "jonas@desy.de", "consent_wording": "I agree."},
    )
    assert not form.is_valid()
    assert not form.people.forms[0].errors
    assert row_errors(form, 1) == {"name", "consent_recorded"}
    assert "Some people added to photo 1 are incomplete" in form.non_field_errors()[0]
    assert form.new_people() == []


def test_more_rows_than_the_cap_per_save_are_refused_with_a_message() -> None:
    image = StoryImageFactory(no_identifiable_person=False)
    data = {
        f"image-{image.pk}-position": "1",
        f"image-{image.pk}-people-TOTAL_FORMS": str(MAX_PEOPLE_PER_SAVE + 1),
    }
    form = ImageForm(data, image=image, number=1)
    assert not form.is_valid()
    assert form.people.non_form_errors() == [
        f"Add at most {MAX_PEOPLE_PER_SAVE} people to a photo at a time; save, then add more."
    ]


def test_a_photo_form_without_person_rows_reads_as_no_people() -> None:
    image = StoryImageFactory(no_identifiable_person=False)
    form = ImageForm({f"image-{image.pk}-position": "1"}, image=image, number=1)
    assert form.is_valid(), form.errors
    assert not form.has_person()


def test_naming_a_person_and_saying_nobody_is_recognisable_contradict() -> None:
    form = image_form(
        {"name": "Lea", "consent_wording": "I agree.", "consent_recorded": "on"}, no_identifiable_person="on"
    )
    assert not form.is_valid()
    assert "no_identifiable_person" in form.errors


def test_recorded_consent_without_a_name_asks_for_the_name() -> None:
    form = image_form({"consent_recorded": "on", "consent_wording": "I agree."})
    assert not form.is_valid()
    assert form.people.forms[0].errors["name"] == ["Give the name of the person whose consent you recorded."]


def test_labels_name_the_photo_and_the_person_so_each_field_is_found_by_its_label() -> None:
    form = image_form()
    assert form.fields["alt_text"].label == "Alt text for photo 1"
    labels = [row.fields["consent_recorded"].label for row in form.people.forms]
    assert labels == [f"I have recorded their consent (person {n}, photo 1)" for n in (1, 2, 3)]
    assert form.people.forms[1].fields["name"].label == "Name of person 2 in photo 1"
    # The row the page copies for "Add another person" carries a placeholder for the number.
    assert form.people.empty_form.fields["name"].label == "Name of person __number__ in photo 1"


def test_new_rows_are_numbered_after_the_people_already_recorded() -> None:
    image = StoryImageFactory(no_identifiable_person=False)
    PersonShownFactory(image=image)
    PersonShownFactory(image=image)
    form = ImageForm(image=image, number=2)
    assert [row.fields["name"].label for row in form.people.forms] == ["Name of person 3 in photo 2"]
    assert form.people.empty_form.fields["name"].widget.attrs["data-label-template"] == (
        "Name of person __number__ in photo {n}"
    )


@pytest.mark.parametrize(
    "values",
    [("nan", "0", "1", "1"), ("0", "0", "0", "1"), ("0", "0", "1.5", "1"), ("x", "0", "1", "1")],
)
def test_crop_form_refuses_what_is_not_a_box_inside_the_photo(values: tuple[str, ...]) -> None:
    data = dict(zip(("crop_x", "crop_y", "crop_width", "crop_height"), values, strict=True))
    assert not CropForm(data).is_valid()


def test_crop_form_gives_a_crop_box() -> None:
    form = CropForm({"crop_x": "0.1", "crop_y": "0.2", "crop_width": "0.5", "crop_height": "0.6"})
    assert form.is_valid()
    box = form.box()
    assert (box.x, box.y, box.width, box.height) == (0.1, 0.2, 0.5, 0.6)
