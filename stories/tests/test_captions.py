"""Caption counters: the same numbers as the browser's live counter and Instagram's limits."""

from __future__ import annotations

import pytest
from django.utils import translation

from stories.captions import (
    CAPTION_MAX_CHARS,
    caption_problems,
    count_chars,
    count_hashtags,
    count_mentions,
    hashtags,
    mentions,
    preview_cut,
)


def test_length_counts_code_points_so_an_emoji_is_one_character() -> None:
    assert count_chars("🎉") == 1
    assert count_chars("Teilchen 🧪🔬") == 11
    # A family emoji is several code points joined; Instagram and the counter both count them.
    assert count_chars("👩‍🔬") == 3


def test_caption_of_exactly_2200_code_points_fits_and_one_more_does_not() -> None:
    assert caption_problems("🎉" * CAPTION_MAX_CHARS) == []
    assert caption_problems("🎉" * (CAPTION_MAX_CHARS + 1)) == [
        "The caption has 2201 characters; Instagram allows at most 2200."
    ]


def test_hashtags_with_umlauts_and_other_scripts_are_counted() -> None:
    text = "#Teilchenphysik #Müller #Überraschung #straße #物理 #CMS_2025 and C# or a#b, #123"
    assert hashtags(text) == [
        "#Teilchenphysik",
        "#Müller",
        "#Überraschung",
        "#straße",
        "#物理",
        "#CMS_2025",
        "#123",
    ]
    assert count_hashtags("#über#uns") == 1  # a second # glued to a tag does not start another


def test_hashtag_ends_at_punctuation_and_emoji() -> None:
    assert hashtags("Great day! #DESY, #CMS. #physics🎉") == ["#DESY", "#CMS", "#physics"]


def test_mentions_are_instagram_handles_and_not_email_addresses() -> None:
    text = "Thanks @desy_de and @cms.experiment. Mail me at anna@desy.de @@double"
    assert mentions(text) == ["@desy_de", "@cms.experiment"]
    assert count_mentions("@a @b @c") == 3


@pytest.mark.parametrize(
    ("caption", "message"),
    [
        ("#t " * 31, "The caption has 31 hashtags; Instagram allows at most 30."),
        ("@x " * 21, "The caption mentions 21 accounts; Instagram allows at most 20."),
    ],
)
def test_each_limit_has_its_own_message(caption: str, message: str) -> None:
    assert caption_problems(caption) == [message]


def test_thirty_hashtags_and_twenty_mentions_fit() -> None:
    assert caption_problems("#t " * 30 + "@x " * 20) == []


def test_problems_are_translated() -> None:
    with translation.override("de"):
        assert caption_problems("#t " * 31) == [
            "Die Beschreibung hat 31 Hashtags; Instagram erlaubt höchstens 30."
        ]


def test_preview_cuts_at_a_word_before_125_characters() -> None:
    caption = "word " * 40
    shown, cut = preview_cut(caption)
    assert cut
    assert len(shown) <= 125
    assert shown.endswith("word")


def test_preview_cuts_at_the_second_line_break() -> None:
    shown, cut = preview_cut("First line\nSecond line\nThird line")
    assert (shown, cut) == ("First line\nSecond line", True)


def test_short_caption_is_shown_whole() -> None:
    assert preview_cut("Short and sweet 🎉") == ("Short and sweet 🎉", False)
