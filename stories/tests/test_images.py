import io
import math
import random
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, ImageCms, ImageOps

from stories import images
from stories.images import CropBox, ImageRejected, clamp_crop, crop_ratio, default_crop
from stories.tests import image_samples as samples


def rendition_of(data: bytes, **kwargs) -> tuple[images.Rendition, Image.Image]:
    rendition = images.make_rendition(io.BytesIO(data), **kwargs)
    return rendition, Image.open(io.BytesIO(rendition.content))


def refusal_code(data: bytes) -> str:
    """What an upload is refused with: its check, and then, for a photo within the decode budget,
    its rendition, made in the same request."""
    with pytest.raises(ImageRejected) as caught:
        if images.inspect_image(io.BytesIO(data)).within_budget:
            images.make_rendition(io.BytesIO(data))
    return caught.value.code


def assert_postable(rendition: images.Rendition, image: Image.Image) -> None:
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert image.size == (rendition.width, rendition.height)
    assert images.MIN_WIDTH <= image.width <= images.MAX_WIDTH
    assert images.MIN_RATIO <= image.width / image.height <= images.MAX_RATIO
    assert len(rendition.content) <= images.MAX_RENDITION_BYTES


def assert_no_metadata(rendition: images.Rendition, image: Image.Image) -> None:
    assert not image.getexif()
    assert "exif" not in image.info
    assert "xmp" not in image.info
    assert "comment" not in image.info
    assert "icc_profile" not in image.info
    assert b"Exif\x00\x00" not in rendition.content
    assert b"\xff\xe1" not in rendition.content  # no APP1 segment (EXIF, XMP) at all


def is_marker(pixel: tuple[int, ...]) -> bool:
    return all(abs(a - b) < 24 for a, b in zip(pixel, samples.MARKER_COLOUR, strict=True))


# --- Accepted photos ----------------------------------------------------------------------------


def test_it_turns_a_rotated_camera_jpeg_into_an_upright_portrait_without_metadata() -> None:
    data = samples.jpeg_with_exif_orientation(4000, 3000, orientation=6, gps=True)
    original = Image.open(io.BytesIO(data))
    assert original.getexif().get_ifd(0x8825) and original.info["comment"], "the sample carries metadata"

    rendition, image = rendition_of(data)

    assert_postable(rendition, image)
    assert_no_metadata(rendition, image)
    assert image.size == (1440, 1800)  # 3000×4000 upright, cropped to 4:5, scaled to 1440 wide
    # Orientation 6 turns the stored top-left corner into the top-right one.
    assert is_marker(image.getpixel((image.width - 5, 5)))
    assert not is_marker(image.getpixel((5, 5)))


def plain_rendition(data: bytes, box: CropBox, size: tuple[int, int]) -> Image.Image:
    """The photo made upright, cropped and scaled the obvious way, to compare renditions with."""
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    width, height = upright.size
    pixels = (box.x * width, box.y * height, (box.x + box.width) * width, (box.y + box.height) * height)
    return upright.resize(size, Image.Resampling.LANCZOS, box=pixels)


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    histogram = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L").histogram()
    return sum(level * count for level, count in enumerate(histogram)) / sum(histogram)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_gives_the_upright_crop_asked_for(orientation: int) -> None:
    data = samples.jpeg_with_exif_orientation(1500, 1000, orientation=orientation, gps=True)
    upright_width, upright_height = (1000, 1500) if orientation >= 5 else (1500, 1000)
    # Off centre, so that a crop taken from the wrong part of the photo shows.
    box = clamp_crop(CropBox(0.05, 0.1, 0.6, 0.6), upright_width, upright_height, 1.0)

    rendition, image = rendition_of(data, crop=box, target_ratio=1.0)

    assert_postable(rendition, image)
    assert_no_metadata(rendition, image)
    expected = plain_rendition(data, box, image.size)
    assert mean_difference(image, expected) < 2.5


def test_inspect_reports_the_upright_size_of_a_rotated_jpeg() -> None:
    info = images.inspect_image(io.BytesIO(samples.jpeg_with_exif_orientation(2000, 1500)))

    assert info == images.InspectedImage(format="JPEG", width=1500, height=2000, mode="RGB", has_icc=False)


def test_it_accepts_a_heic_and_rotates_it_once() -> None:
    data = samples.heic_bytes(1600, 1200, orientation=6)

    info = images.inspect_image(io.BytesIO(data))
    rendition, image = rendition_of(data)

    assert (info.format, info.width, info.height) == ("HEIF", 1200, 1600)
    assert_postable(rendition, image)
    assert_no_metadata(rendition, image)
    assert image.size == (1200, 1500)
    assert is_marker(image.getpixel((image.width - 5, 5)))


@pytest.mark.parametrize(
    ("data", "expected_format"),
    [
        (samples.png_bytes(1200, 900), "PNG"),
        (samples.webp_bytes(1200, 900), "WEBP"),
        (samples.mpo_bytes(1200, 900), "JPEG"),
        (samples.jpeg_bytes(1200, 900, progressive=True), "JPEG"),
    ],
    ids=["png", "webp", "jpeg-with-second-picture", "progressive-jpeg"],
)
def test_it_accepts_other_still_formats(data: bytes, expected_format: str) -> None:
    info = images.inspect_image(io.BytesIO(data))
    rendition, image = rendition_of(data)

    assert info.format == expected_format
    assert_postable(rendition, image)
    assert_no_metadata(rendition, image)
    assert image.size == (1200, 900)
    assert is_marker(image.getpixel((5, 5)))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_transparency_is_flattened_on_white(fmt: str) -> None:
    transparent = Image.new("RGBA", (800, 600), (255, 0, 0, 0))
    transparent.paste((0, 0, 255, 255), (400, 0, 800, 600))

    _, image = rendition_of(samples.encode(transparent, fmt))

    assert all(channel > 245 for channel in image.getpixel((100, 300)))
    red, green, blue = image.getpixel((700, 300))
    assert blue > 230 and red < 20 and green < 20


def test_a_palette_png_is_converted_to_rgb() -> None:
    data = samples.encode(samples.photo(800, 600).convert("P"), "PNG")

    rendition, image = rendition_of(data)

    assert_postable(rendition, image)


def test_a_16_bit_png_keeps_its_tones() -> None:
    data = samples.png_16bit_bytes(800, 600, level=30000)

    info = images.inspect_image(io.BytesIO(data))
    _, image = rendition_of(data)

    assert info.mode == "I;16"
    assert image.mode == "RGB"
    # 30000 of 65535 is 117 of 255; clipping would have made it white.
    assert all(abs(channel - 117) <= 2 for channel in image.getpixel((400, 300)))


@pytest.mark.parametrize(
    "icc_profile",
    [None, samples.srgb_icc_profile()],
    ids=["no-profile", "rgb-profile-that-does-not-fit-cmyk"],
)
def test_a_cmyk_jpeg_is_converted_to_rgb(icc_profile: bytes | None) -> None:
    options = {"icc_profile": icc_profile} if icc_profile else {}
    data = samples.cmyk_jpeg_bytes(1000, 800, colour=(0, 255, 255, 0), **options)

    info = images.inspect_image(io.BytesIO(data))
    rendition, image = rendition_of(data)

    assert (info.mode, info.has_icc) == ("CMYK", icc_profile is not None)
    assert_postable(rendition, image)
    red, green, blue = image.getpixel((500, 400))
    assert red > 200 and green < 60 and blue < 60


def test_an_embedded_icc_profile_is_converted_to_srgb() -> None:
    # In this profile the red channel means sRGB blue: honouring it turns the red photo blue.
    red_photo = samples.solid(800, 600, (255, 0, 0))
    data = samples.jpeg_bytes(image=red_photo, icc_profile=samples.swapped_primaries_icc_profile())

    assert images.inspect_image(io.BytesIO(data)).has_icc
    rendition, image = rendition_of(data)

    red, green, blue = image.getpixel((400, 300))
    assert blue > 230 and red < 25 and green < 25
    assert_no_metadata(rendition, image)


def test_an_srgb_photo_keeps_its_colours() -> None:
    colour = (40, 160, 220)
    data = samples.jpeg_bytes(image=samples.solid(800, 600, colour), icc_profile=samples.srgb_icc_profile())

    _, image = rendition_of(data)

    assert all(abs(a - b) <= 4 for a, b in zip(image.getpixel((400, 300)), colour, strict=True))


def test_the_content_decides_not_the_file_name_or_content_type() -> None:
    upload = SimpleUploadedFile("holiday.gif", samples.png_bytes(800, 600), content_type="text/html")

    assert images.inspect_image(upload).format == "PNG"
    assert upload.tell() == 0, "the upload must be left ready to be saved"
    assert images.make_rendition(upload).width == 800
    assert upload.tell() == 0


def test_a_jpeg_named_html_is_accepted_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(samples.jpeg_bytes(800, 600))

    assert images.inspect_image(path).format == "JPEG"
    assert images.make_rendition(str(path)).width == 800


def test_a_small_photo_is_not_enlarged() -> None:
    rendition, image = rendition_of(samples.jpeg_bytes(640, 480))

    assert (rendition.width, rendition.height) == (640, 480)
    assert_postable(rendition, image)


def test_the_narrowest_postable_photo_is_accepted() -> None:
    rendition, image = rendition_of(samples.png_bytes(320, 200))

    assert image.width == 320
    assert_postable(rendition, image)


# --- Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (samples.truncated(samples.jpeg_bytes(1200, 900)), "truncated"),
        (samples.truncated(samples.jpeg_bytes(1200, 900, progressive=True), keep=0.9), "truncated"),
        (samples.jpeg_bytes(1200, 900)[:-400], "truncated"),
        (samples.truncated(samples.png_bytes(1200, 900)), "truncated"),
        (samples.truncated(samples.webp_bytes(1200, 900)), "truncated"),
        (samples.truncated(samples.heic_bytes(800, 600)), "truncated"),
        (samples.HTML, "not_an_image"),
        (samples.SVG, "not_an_image"),
        (samples.EPS, "not_an_image"),
        (samples.PDF, "not_an_image"),
        (samples.random_bytes(), "not_an_image"),
        (b"\xff\xd8\xff" + samples.random_bytes(5000), "truncated"),
        (samples.static_gif_bytes(), "not_an_image"),
        (samples.animated_gif_bytes(), "animated"),
        (samples.animated_png_bytes(), "animated"),
        (samples.animated_webp_bytes(), "animated"),
        (samples.png_bytes(100, 100), "too_small"),
        (samples.jpeg_bytes(2000, 160), "too_small"),
        (samples.heic_bytes(200, 150), "too_small"),
    ],
    ids=[
        "zero-bytes",
        "truncated-jpeg",
        "truncated-progressive-jpeg",
        "jpeg-missing-its-end",
        "truncated-png",
        "truncated-webp",
        "truncated-heic",
        "html",
        "svg",
        "eps",
        "pdf",
        "random-bytes",
        "jpeg-signature-then-garbage",
        "static-gif",
        "animated-gif",
        "animated-png",
        "animated-webp",
        "100-px-square",
        "strip-too-low-to-crop",
        "tiny-heic",
    ],
)
def test_it_refuses(data: bytes, code: str) -> None:
    assert refusal_code(data) == code
    with pytest.raises(ImageRejected):
        images.make_rendition(io.BytesIO(data))


@pytest.fixture
def small_budget(settings) -> None:
    # 1600×1000 is over this budget: such a photo is checked without decoding its pixels.
    settings.STORY_IMAGE_DECODE_BUDGET_PIXELS = 1_000_000


@pytest.mark.usefixtures("small_budget")
@pytest.mark.parametrize(
    "data",
    [
        samples.truncated(samples.jpeg_bytes(1600, 1000)),
        samples.truncated(samples.jpeg_bytes(1600, 1000, progressive=True), keep=0.9),
        samples.jpeg_bytes(1600, 1000)[:-2],
        samples.truncated(samples.jpeg_bytes(1600, 1000)) + b"\x00" * 64,
    ],
    ids=["cut", "progressive-cut", "only-the-end-marker-missing", "cut-then-padding"],
)
def test_a_big_jpeg_cut_short_is_refused_by_the_upload_check(data: bytes) -> None:
    with pytest.raises(ImageRejected) as caught:
        images.inspect_image(io.BytesIO(data))

    assert caught.value.code == "truncated"
    assert "incomplete or damaged" in str(caught.value)


@pytest.mark.usefixtures("small_budget")
@pytest.mark.parametrize(
    "tail",
    [b"", b"\x00" * 300, b"\xff" * 3, b"SEFH" + samples.random_bytes(2000)],
    ids=["plain", "zero-padding", "fill-bytes", "camera-trailer"],
)
def test_a_big_sound_jpeg_passes_the_upload_check_and_is_left_to_the_worker(tail: bytes) -> None:
    info = images.inspect_image(io.BytesIO(samples.jpeg_bytes(1600, 1000) + tail))

    assert (info.format, info.width, info.height) == ("JPEG", 1600, 1000)
    assert not info.within_budget


@pytest.mark.usefixtures("small_budget")
def test_a_big_jpeg_with_an_intact_end_is_not_decoded_by_the_upload_check() -> None:
    damaged = samples.jpeg_with_broken_huffman_table(1600, 1000)

    # Its end is intact, so its pixels are left to the worker, whose rendition finds the damage.
    assert not images.inspect_image(io.BytesIO(damaged)).within_budget
    with pytest.raises(ImageRejected) as caught:
        images.make_rendition(io.BytesIO(damaged))
    assert caught.value.code == "truncated"
    # Without its end marker in sight it is decoded (at 1/8 size), which finds the damage too.
    assert refusal_code(damaged + b"SEFH" + samples.random_bytes(2000)) == "truncated"


def test_a_damaged_jpeg_within_the_budget_is_refused_by_its_rendition() -> None:
    damaged = samples.jpeg_with_broken_huffman_table(1600, 1000)

    assert images.inspect_image(io.BytesIO(damaged)).within_budget
    assert refusal_code(damaged) == "truncated"


@pytest.mark.parametrize(
    "data",
    [
        samples.png_header_bomb(100_000, 100_000),
        samples.png_header_bomb(8_000, 8_000),  # between one and two times the limit
        samples.png_zlib_bomb(12_000, 12_000),
        samples.png_zlib_bomb(9_000, 9_000),
    ],
    ids=["header-100k-square", "header-64-megapixels", "real-144-megapixels", "real-81-megapixels"],
)
def test_a_decompression_bomb_is_refused_before_decoding(data: bytes) -> None:
    assert len(data) < 200_000

    started = time.perf_counter()
    assert refusal_code(data) == "too_many_pixels"
    with pytest.raises(ImageRejected):
        images.make_rendition(io.BytesIO(data))
    assert time.perf_counter() - started < 0.5


def test_the_pixel_limit_comes_from_settings(settings) -> None:
    settings.STORY_IMAGE_MAX_PIXELS = 400_000
    pillow_default = Image.MAX_IMAGE_PIXELS

    assert refusal_code(samples.jpeg_bytes(800, 600)) == "too_many_pixels"  # 480,000 pixels
    assert refusal_code(samples.png_bytes(800, 600)) == "too_many_pixels"
    assert refusal_code(samples.heic_bytes(800, 600)) == "too_many_pixels"  # within Pillow's 2×
    assert refusal_code(samples.heic_bytes(1200, 900)) == "too_many_pixels"  # beyond it
    assert images.inspect_image(io.BytesIO(samples.jpeg_bytes(600, 600))).width == 600
    assert pillow_default == Image.MAX_IMAGE_PIXELS, "Pillow's process-wide guard is put back"


def test_a_file_over_the_byte_cap_is_refused(settings) -> None:
    data = samples.jpeg_bytes(800, 600)
    settings.STORY_IMAGE_MAX_BYTES = len(data) - 1

    with pytest.raises(ImageRejected) as caught:
        images.inspect_image(io.BytesIO(data))

    assert caught.value.code == "too_large"
    settings.STORY_IMAGE_MAX_BYTES = len(data)
    assert images.inspect_image(io.BytesIO(data)).format == "JPEG"


def test_the_byte_cap_uses_the_upload_size_without_reading_it(settings) -> None:
    settings.STORY_IMAGE_MAX_BYTES = 10 * 1024 * 1024
    upload = SimpleUploadedFile("big.jpg", samples.jpeg_bytes(800, 600), content_type="image/jpeg")
    upload.size = 11 * 1024 * 1024  # as Django reports it for a large upload

    with pytest.raises(ImageRejected) as caught:
        images.inspect_image(upload)

    assert caught.value.code == "too_large"
    assert "10 MB" in str(caught.value.message)


def test_a_refusal_explains_itself_to_the_uploader() -> None:
    with pytest.raises(ImageRejected) as caught:
        images.inspect_image(io.BytesIO(samples.SVG))

    assert str(caught.value.message) == (
        "This file is not a photo we can read. Please upload a JPEG, PNG, WebP or HEIC image."
    )
    assert str(caught.value) == str(caught.value.message)


def test_a_crop_too_narrow_for_the_carousel_ratio_is_refused() -> None:
    data = samples.jpeg_bytes(500, 300)  # fine on its own: 500 px wide
    assert images.make_rendition(io.BytesIO(data)).width == 500

    with pytest.raises(ImageRejected) as caught:
        images.make_rendition(io.BytesIO(data), target_ratio=1.0)  # square: only 300 px wide

    assert caught.value.code == "too_small"


def test_an_oversized_rendition_is_saved_at_lower_quality(monkeypatch: pytest.MonkeyPatch) -> None:
    noisy = Image.effect_noise((800, 1000), 100).convert("RGB")
    data = samples.encode(noisy, "PNG")
    full_quality = len(images.make_rendition(io.BytesIO(data)).content)
    monkeypatch.setattr(images, "MAX_RENDITION_BYTES", full_quality * 3 // 4)

    rendition = images.make_rendition(io.BytesIO(data))

    assert len(rendition.content) <= full_quality * 3 // 4
    monkeypatch.setattr(images, "MAX_RENDITION_BYTES", 1000)
    with pytest.raises(ImageRejected) as caught:
        images.make_rendition(io.BytesIO(data))
    assert caught.value.code == "too_large"


# --- Crops --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "ratio"),
    [((6000, 4000), 1.5), ((4000, 1000), 1.91), ((1000, 4000), 0.8), ((3000, 3000), 1.0)],
    ids=["3:2", "panorama", "tall", "square"],
)
def test_the_default_crop_is_the_largest_centred_postable_box(size: tuple[int, int], ratio: float) -> None:
    width, height = size

    box = default_crop(width, height)

    assert crop_ratio(box, width, height) == pytest.approx(ratio)
    assert box.width == 1.0 or box.height == 1.0
    assert box.x + box.width / 2 == pytest.approx(0.5)
    assert box.y + box.height / 2 == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("size", "expected"),
    [((8000, 1000), (1440, 754)), ((1000, 6000), (1000, 1250))],
    ids=["panorama", "very-tall"],
)
def test_extreme_shapes_are_cropped_to_the_limits(size: tuple[int, int], expected: tuple[int, int]) -> None:
    rendition, image = rendition_of(samples.jpeg_bytes(*size))

    assert image.size == expected
    assert_postable(rendition, image)


def test_a_box_outside_the_image_is_moved_inside() -> None:
    box = clamp_crop(CropBox(x=0.8, y=-0.3, width=0.5, height=0.5), 4000, 3000, None)

    assert box.x >= 0 and box.y >= 0
    assert box.x + box.width <= 1 and box.y + box.height <= 1
    assert box.width == pytest.approx(0.5) and box.height == pytest.approx(0.5)
    assert box.x == pytest.approx(0.5) and box.y == 0


def test_a_box_of_the_wrong_ratio_is_reshaped_around_its_centre() -> None:
    too_wide = CropBox(x=0.1, y=0.4, width=0.8, height=0.1)  # 3200×300, 10.7:1

    box = clamp_crop(too_wide, 4000, 3000, None)

    assert crop_ratio(box, 4000, 3000) == pytest.approx(1.91)
    assert box.x + box.width / 2 == pytest.approx(0.5)
    assert box.y + box.height / 2 == pytest.approx(0.45)
    assert (box.width * 4000) * (box.height * 3000) == pytest.approx(3200 * 300)


def test_a_tiny_box_is_grown_to_the_minimum_width() -> None:
    box = clamp_crop(CropBox(x=0.5, y=0.5, width=0.01, height=0.01), 4000, 3000, None)

    assert box.width * 4000 == pytest.approx(images.MIN_WIDTH)


@pytest.mark.parametrize(
    "box",
    [CropBox(math.nan, 0, 1, 1), CropBox(0, 0, 0, 0.5), CropBox(0, 0, -1, 1), CropBox(0, 0, math.inf, 1)],
)
def test_a_nonsense_box_becomes_the_default_crop(box: CropBox) -> None:
    assert clamp_crop(box, 4000, 3000, None) == default_crop(4000, 3000)


def test_carousel_items_take_the_first_items_ratio() -> None:
    first_ratio = crop_ratio(default_crop(6000, 4000), 6000, 4000)  # 1.5
    portrait = samples.jpeg_bytes(3000, 4000)

    box = clamp_crop(CropBox(0, 0, 1, 1), 3000, 4000, first_ratio)
    rendition, image = rendition_of(portrait, crop=box, target_ratio=first_ratio)
    unmoved, _ = rendition_of(portrait, target_ratio=first_ratio)

    assert crop_ratio(box, 3000, 4000) == pytest.approx(1.5)
    assert image.size == (1440, 960)
    assert (unmoved.width, unmoved.height) == (1440, 960)
    assert_postable(rendition, image)


def test_a_target_ratio_outside_the_limits_is_brought_within_them() -> None:
    box = clamp_crop(CropBox(0, 0, 1, 1), 4000, 3000, 3.0)

    assert crop_ratio(box, 4000, 3000) == pytest.approx(1.91)


def test_any_clamped_box_is_valid() -> None:
    rng = random.Random(1)
    for _ in range(2000):
        width, height = rng.randint(320, 9000), rng.randint(170, 9000)
        target = rng.choice([None, 0.8, 1.0, 1.5, 1.91, rng.uniform(0.5, 3)])
        requested = CropBox(*(rng.uniform(-0.5, 1.5) for _ in range(4)))

        box = clamp_crop(requested, width, height, target)

        assert box.x >= 0 and box.x + box.width <= 1 + 1e-12
        assert box.y >= 0 and box.y + box.height <= 1 + 1e-12
        ratio = crop_ratio(box, width, height)
        assert images.MIN_RATIO - 1e-9 <= ratio <= images.MAX_RATIO + 1e-9
        if target is not None:
            assert ratio == pytest.approx(min(max(target, images.MIN_RATIO), images.MAX_RATIO))
        assert box.width * width >= min(images.MIN_WIDTH, width, height * ratio) - 1e-6


def test_a_moved_crop_selects_that_part_of_the_photo() -> None:
    data = samples.jpeg_bytes(3000, 2000)  # red marker in the top-left corner

    _, left = rendition_of(data, crop=CropBox(0, 0, 0.5, 0.6))
    _, right = rendition_of(data, crop=CropBox(0.5, 0.4, 0.5, 0.6))

    assert is_marker(left.getpixel((5, 5)))
    assert not is_marker(right.getpixel((5, 5)))


def test_a_big_jpeg_is_decoded_at_reduced_size_but_no_smaller_than_needed() -> None:
    with Image.open(io.BytesIO(samples.jpeg_bytes(4000, 3000))) as big:
        images._draft_jpeg(big, scale=1440 / 4000)
        assert big.size == (2000, 1500)
    # Stripes 3 px wide become 1.5 px in the rendition; decoding at 1/4 or 1/8 size would have
    # blurred them into grey before the resize.
    row = Image.frombytes("L", (2880, 1), bytes([0, 0, 0, 255, 255, 255]) * 480)
    stripes = row.resize((2880, 1920), Image.Resampling.NEAREST)
    data = samples.jpeg_bytes(image=Image.merge("RGB", [stripes] * 3), quality=95)

    _, image = rendition_of(data)

    assert image.size == (1440, 960)
    middle_row = image.convert("L").crop((0, 480, 1440, 481)).tobytes()
    assert max(middle_row) - min(middle_row) > 150


def test_a_big_photo_of_another_format_keeps_its_fine_detail() -> None:
    # Stripes 4 px wide in a lossless PNG, scaled down 2.08 times: averaging 2×2 blocks before
    # LANCZOS keeps them as LANCZOS alone would; bigger blocks (3×3, 4×4) would smear them.
    row = Image.frombytes("L", (3000, 1), bytes([0] * 4 + [255] * 4) * 375)
    stripes = Image.merge("RGB", [row.resize((3000, 2000), Image.Resampling.NEAREST)] * 3)

    _, image = rendition_of(samples.encode(stripes, "PNG"))

    assert image.size == (1440, 960)
    lanczos = samples.encode(stripes.resize((1440, 960), Image.Resampling.LANCZOS), "JPEG", quality=88)
    assert mean_difference(image, Image.open(io.BytesIO(lanczos))) < 5


def test_register_heif_can_be_called_again() -> None:
    images.register_heif()
    images.register_heif()

    assert "HEIF" in Image.OPEN
    assert images.inspect_image(io.BytesIO(samples.heic_bytes(800, 600))).format == "HEIF"


def test_the_srgb_profile_sample_is_srgb() -> None:
    profile = ImageCms.ImageCmsProfile(io.BytesIO(samples.srgb_icc_profile()))

    assert "sRGB" in ImageCms.getProfileDescription(profile)


# --- Speed --------------------------------------------------------------------------------------


def test_a_24_megapixel_jpeg_renders_quickly(capsys: pytest.CaptureFixture[str]) -> None:
    data = samples.jpeg_with_exif_orientation(6000, 4000, orientation=6, gps=True)

    started = time.perf_counter()
    images.inspect_image(io.BytesIO(data))
    inspected = time.perf_counter()
    rendition, image = rendition_of(data, crop=CropBox(0.1, 0.1, 0.8, 0.6))
    finished = time.perf_counter()

    assert_postable(rendition, image)
    with capsys.disabled():
        print(
            f"\n6000×4000 JPEG: inspect {1000 * (inspected - started):.0f} ms, "
            f"rendition {1000 * (finished - inspected):.0f} ms, "
            f"{rendition.width}×{rendition.height}, {len(rendition.content) / 1024:.0f} KB"
        )
    assert finished - started < 5  # generous: shared CI machines are slow
