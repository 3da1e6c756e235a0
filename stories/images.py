"""Checking uploaded photos and turning them into the JPEG that Instagram is sent.

Everything here is judged by the file's content, never by its name or the browser's content type.
`inspect_image` refuses what cannot be posted; `make_rendition` produces an upright, sRGB,
metadata-free JPEG within Instagram's limits (JPEG, 320–1440 px wide, 4:5 to 1.91:1, ≤ 8 MB).
"""

from __future__ import annotations

import dataclasses
import io
import math
import os
import struct
import warnings
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, Protocol, cast

import pillow_heif
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageFile, ImageOps

from . import reasons

MAX_UPLOAD_BYTES = 30 * 1024 * 1024
MAX_PIXELS = 60_000_000
MIN_WIDTH = 320
MAX_WIDTH = 1440
MIN_RATIO = 0.8  # 4:5
MAX_RATIO = 1.91  # 1.91:1
# Meta refuses images over 8 MB; stay under the decimal reading of that.
MAX_RENDITION_BYTES = 8_000_000
JPEG_QUALITY = 88
# Tried in turn when a rendition comes out over MAX_RENDITION_BYTES.
_FALLBACK_QUALITIES = (80, 72, 64, 56, 48)

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")

# Major brands of still HEIF/HEIC files (iPhone: "heic"; some Android phones: "mif1").
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"mif2"}

# A truncated file must be refused, not silently padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# What Pillow and its plugins raise for damaged or hostile data (struct.error and IndexError from
# hand-parsed headers, RuntimeError and ValueError from libheif, zlib.error from PNG).
_DAMAGED_FILE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    RuntimeError,
    ZeroDivisionError,
    struct.error,
    zlib.error,
)

_SRGB_PROFILE = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

_MESSAGES: dict[str, Promise] = {
    "empty": _("The file is empty. Please choose the photo again."),
    "not_an_image": _("This file is not a photo we can read. Please upload a JPEG, PNG, WebP or HEIC image."),
    "gif": _("GIF files cannot be posted as photos. Please upload a JPEG, PNG, WebP or HEIC image."),
    "animated": _(
        "Animated images cannot be posted as photos. Please upload a still JPEG, PNG, WebP or HEIC image."
    ),
    "truncated": _(
        "This photo is incomplete or damaged, perhaps because the upload was interrupted. "
        "Please upload it again."
    ),
    "too_large": _("This file is larger than {limit} MB. Please upload a smaller version of the photo."),
    "too_many_pixels": _(
        "This photo has more than {limit} megapixels. Please upload a smaller version of the photo."
    ),
    "too_small": _(
        "This photo is too small: Instagram needs it to be at least {min_width} pixels wide "
        "after cropping. Please upload a larger version."
    ),
    "rendition_too_large": _(
        "This photo could not be made small enough for Instagram. Please upload a smaller version."
    ),
}


class ImageRejected(Exception):
    """An upload that cannot become an Instagram photo; `message` is meant for the uploader."""

    def __init__(self, code: str, message_key: str | None = None, **params: Any) -> None:
        self.code = code
        template = _MESSAGES[message_key or code]
        self.message: Promise | str = format_lazy(template, **params) if params else template
        # What a worker stores, to be shown later in the reader's language.
        self.reason = reasons.reason(template, braces=True, **params)
        super().__init__(code)

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"ImageRejected(code={self.code!r})"


class BinaryFile(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...
    def seek(self, offset: int, whence: int = ..., /) -> int: ...
    def tell(self) -> int: ...


ImageSource = BinaryFile | IO[bytes] | str | os.PathLike[str]


@dataclass(frozen=True)
class InspectedImage:
    format: str  # one of ACCEPTED_FORMATS
    width: int  # upright, i.e. after EXIF orientation
    height: int
    mode: str
    has_icc: bool
    # Cheap enough to decode in the request (`within_decode_budget`). Such a photo's pixels are
    # not read here: its rendition, made from the same bytes before anything is stored, is their
    # check. A larger one is left to the worker, which marks it failed if it is damaged.
    within_budget: bool = True


@dataclass(frozen=True)
class CropBox:
    """A crop as fractions (0..1) of the upright original."""

    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Rendition:
    content: bytes  # JPEG
    width: int
    height: int


def register_heif() -> None:
    """Let Pillow open HEIC/HEIF files; safe to call more than once."""
    if "HEIF" not in Image.OPEN:
        pillow_heif.register_heif_opener()


register_heif()


def _setting(name: str, default: int) -> int:
    from django.conf import settings

    try:
        return int(getattr(settings, name, default))
    except ImproperlyConfigured:
        return default


def max_upload_bytes() -> int:
    return _setting("STORY_IMAGE_MAX_BYTES", MAX_UPLOAD_BYTES)


def max_pixels() -> int:
    return _setting("STORY_IMAGE_MAX_PIXELS", MAX_PIXELS)


def within_decode_budget(fmt: str, width: int, height: int) -> bool:
    """Whether a photo is cheap enough to decode in a web request (see the settings)."""
    if fmt == "HEIF":
        return width * height <= _setting("STORY_IMAGE_DECODE_BUDGET_PIXELS_HEIF", 4_000_000)
    return width * height <= _setting("STORY_IMAGE_DECODE_BUDGET_PIXELS", 13_000_000)


def _in_millions(value: int, unit: int = 1_000_000) -> str:
    return f"{round(value / unit, 1):g}"


def _rejected(code: str, message_key: str | None = None, **params: Any) -> ImageRejected:
    return ImageRejected(code, message_key, **params)


# ---------------------------------------------------------------------------------------------
# Opening and checking


def sniff_format(head: bytes) -> str | None:
    """The image format that the first bytes of a file announce, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "HEIF"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    return None


@contextmanager
def _opened(source: ImageSource) -> Iterator[BinaryFile]:
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fileobj:
            yield fileobj
        return
    # Rewound afterwards too, so the caller can still save the upload.
    try:
        source.seek(0)
        yield source
    finally:
        source.seek(0)


def _byte_size(fileobj: BinaryFile) -> int:
    size = getattr(fileobj, "size", None)  # Django's UploadedFile knows it already
    if isinstance(size, int):
        return size
    fileobj.seek(0, os.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    return size


@contextmanager
def _pixel_guard() -> Iterator[None]:
    """Refuse images over the pixel limit, whichever part of Pillow notices first.

    Pillow's own guard is process-wide, so it is set to the limit only while this code runs.
    Its warning (between one and two times the limit) becomes an error here. Neither is
    thread-safe, which is why `_check_header` compares the size with the limit as well.
    """
    limit = max_pixels()
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _rejected("too_many_pixels", limit=_in_millions(limit)) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _exif_orientation(im: Image.Image) -> int:
    try:
        if im.format == "PNG":
            # PNG's getexif() decodes all pixels to look for a late eXIf chunk: read the header's.
            (exif := Image.Exif()).load(im.info.get("exif", b""))
            return int(exif.get(0x0112, 1))
        return int(im.getexif().get(0x0112, 1))
    except _DAMAGED_FILE_ERRORS:  # a damaged EXIF block must not cost the photo
        return 1


def _upright_size(im: Image.Image, fmt: str) -> tuple[int, int]:
    width, height = im.size
    # pillow-heif applies the HEIF rotation itself and resets EXIF orientation to 1.
    if fmt != "HEIF" and _exif_orientation(im) in (5, 6, 7, 8):
        return height, width
    return width, height


def _refuse_gif(fileobj: BinaryFile) -> ImageRejected:
    try:
        with (
            _pixel_guard(),
            Image.open(cast(IO[bytes], fileobj), formats=["GIF"]) as im,
        ):
            animated = bool(getattr(im, "is_animated", False))
    except ImageRejected as exc:
        return exc
    except _DAMAGED_FILE_ERRORS:
        animated = False
    return _rejected("animated") if animated else _rejected("not_an_image", message_key="gif")


@contextmanager
def _checked_image(source: ImageSource) -> Iterator[tuple[Image.Image, InspectedImage]]:
    """Open without decoding pixels and refuse anything the header already rules out."""
    with _opened(source) as fileobj:
        fmt = _sniff_upload(fileobj)
        with _pixel_guard():
            try:
                im = Image.open(cast(IO[bytes], fileobj), formats=[fmt])
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise
            except _DAMAGED_FILE_ERRORS:
                # The first bytes say it is this format, but the rest cannot be parsed.
                raise _rejected("truncated") from None
        # Leaving the `with` releases the image without closing the caller's file.
        with im:
            yield im, _check_header(im, fmt)


def _sniff_upload(fileobj: BinaryFile) -> str:
    size = _byte_size(fileobj)
    if size == 0:
        raise _rejected("empty")
    limit = max_upload_bytes()
    if size > limit:
        raise _rejected("too_large", limit=_in_millions(limit, 1024 * 1024))
    head = fileobj.read(16)
    fileobj.seek(0)
    fmt = sniff_format(head)
    if fmt is None:
        raise _rejected("not_an_image")
    if fmt == "GIF":
        raise _refuse_gif(fileobj)
    return fmt


def _check_header(im: Image.Image, fmt: str) -> InspectedImage:
    width, height = im.size
    if width <= 0 or height <= 0:
        raise _rejected("truncated")
    limit = max_pixels()
    if width * height > limit:
        raise _rejected("too_many_pixels", limit=_in_millions(limit))
    # Phone JPEGs with a depth map or preview open as MPO, several frames that are no
    # animation; HEIF files may hold several images, of which the primary one is used.
    if fmt in ("PNG", "WEBP") and getattr(im, "n_frames", 1) > 1:
        raise _rejected("animated")
    upright_width, upright_height = _upright_size(im, fmt)
    if min(upright_width, upright_height * MAX_RATIO) < MIN_WIDTH:
        raise _rejected("too_small", min_width=MIN_WIDTH)
    return InspectedImage(
        format=fmt,
        width=upright_width,
        height=upright_height,
        mode=im.mode,
        has_icc=bool(im.info.get("icc_profile")),
    )


def _decode(im: Image.Image) -> None:
    with _pixel_guard():
        try:
            im.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise
        except _DAMAGED_FILE_ERRORS:
            # For the uploader every kind of damage means the same thing.
            raise _rejected("truncated") from None


def inspect_image(fileobj: ImageSource) -> InspectedImage:
    """Check that an upload is a still photo that can be posted; raise ImageRejected if not.

    Only the header is read, and for a JPEG over the decode budget its end: a photo whose transfer
    was interrupted is refused at once. Damage that leaves the file's end intact is found where the
    pixels are decoded: by the rendition made in the request (`within_budget`, see InspectedImage),
    or by the worker, which marks the photo failed with the reason.
    """
    with _checked_image(fileobj) as (im, info):
        if within_decode_budget(info.format, info.width, info.height):
            return info
        if info.format == "JPEG" and not _jpeg_ends_complete(fileobj):
            # No end marker in sight (a cut file, or data a camera appended after the image):
            # decode at 1/8 size, which tells the two apart.
            im.draft(im.mode, (max(1, im.width // 8), max(1, im.height // 8)))
            _decode(im)
    return dataclasses.replace(info, within_budget=False)


# How far from the end a JPEG's end-of-image marker is looked for, past padding.
_JPEG_TAIL_BYTES = 4096


def _jpeg_ends_complete(source: ImageSource) -> bool:
    """Whether the JPEG ends with its end-of-image marker, bar padding of zero or 0xFF bytes.

    The marker cannot occur inside the compressed data (0xFF there is always followed by 0x00 or
    a restart marker), so a file cut anywhere in its pixels fails this.
    """
    with _opened(source) as fileobj:
        size = _byte_size(fileobj)
        fileobj.seek(max(0, size - _JPEG_TAIL_BYTES))
        tail = fileobj.read(_JPEG_TAIL_BYTES)
    return tail.rstrip(b"\x00\xff").endswith(b"\xff\xd9")


def inspect_image_header(fileobj: ImageSource) -> InspectedImage:
    """The checks of `inspect_image` that need no pixels (content, size, pixel count, animation):
    for an upload whose decoding is left to the worker, which refuses it then if it is damaged."""
    with _checked_image(fileobj) as (_im, info):
        return dataclasses.replace(info, within_budget=False)


# ---------------------------------------------------------------------------------------------
# Cropping


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _check_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise ValueError(f"Image size must be positive, got {width}×{height}")


def _allowed_ratio(target_ratio: float | None, width: int, height: int) -> float:
    if target_ratio is None:
        return _clamp(width / height, MIN_RATIO, MAX_RATIO)
    if not math.isfinite(target_ratio) or target_ratio <= 0:
        raise ValueError(f"Bad target ratio {target_ratio!r}")
    return _clamp(target_ratio, MIN_RATIO, MAX_RATIO)


def default_crop(width: int, height: int, target_ratio: float | None = None) -> CropBox:
    """The largest centred crop of the given ratio (or of the image's own ratio, made postable)."""
    _check_size(width, height)
    ratio = _allowed_ratio(target_ratio, width, height)
    crop_width = min(width, height * ratio)
    crop_height = crop_width / ratio
    return _box_from_pixels(
        (width - crop_width) / 2,
        (height - crop_height) / 2,
        crop_width,
        crop_height,
        width,
        height,
    )


def _box_from_pixels(
    left: float,
    top: float,
    crop_width: float,
    crop_height: float,
    width: int,
    height: int,
) -> CropBox:
    fraction_width = min(1.0, crop_width / width)
    fraction_height = min(1.0, crop_height / height)
    return CropBox(
        x=_clamp(left / width, 0.0, 1.0 - fraction_width),
        y=_clamp(top / height, 0.0, 1.0 - fraction_height),
        width=fraction_width,
        height=fraction_height,
    )


def clamp_crop(box: CropBox, width: int, height: int, target_ratio: float | None) -> CropBox:
    """Turn any crop (e.g. one dragged in the browser) into a valid one.

    The result lies inside the image, has a ratio within 4:5..1.91:1 (exactly `target_ratio`
    when given, as for carousel items after the first) and is at least MIN_WIDTH pixels wide
    where the image allows. It stays centred where the requested box was, with about its area.
    """
    _check_size(width, height)
    values = (box.x, box.y, box.width, box.height)
    if not all(math.isfinite(v) for v in values) or box.width <= 0 or box.height <= 0:
        return default_crop(width, height, target_ratio)

    crop_width = box.width * width
    crop_height = box.height * height
    centre_x = (box.x + box.width / 2) * width
    centre_y = (box.y + box.height / 2) * height
    requested = crop_width / crop_height
    ratio = _allowed_ratio(target_ratio if target_ratio is not None else requested, width, height)
    if not math.isclose(requested, ratio, rel_tol=1e-9):
        crop_width = math.sqrt(crop_width * crop_height * ratio)

    largest = min(width, height * ratio)
    crop_width = _clamp(crop_width, min(MIN_WIDTH, largest), largest)
    crop_height = crop_width / ratio
    left = _clamp(centre_x - crop_width / 2, 0, width - crop_width)
    top = _clamp(centre_y - crop_height / 2, 0, height - crop_height)
    return _box_from_pixels(left, top, crop_width, crop_height, width, height)


def crop_ratio(box: CropBox, width: int, height: int) -> float:
    """Width over height of the crop, in pixels of the upright original."""
    return (box.width * width) / (box.height * height)


# ---------------------------------------------------------------------------------------------
# Rendering


def _rendition_size(crop_width: float, ratio: float) -> tuple[int, int]:
    if crop_width < MIN_WIDTH - 0.5:
        raise _rejected("too_small", min_width=MIN_WIDTH)
    # Downscale to MAX_WIDTH, never upscale (bar rounding a crop of 319.6 px up to 320).
    out_width = max(MIN_WIDTH, min(MAX_WIDTH, math.floor(crop_width)))
    out_height = max(1, round(out_width / ratio))
    if out_width / out_height > MAX_RATIO:
        out_height = math.ceil(out_width / MAX_RATIO)
    elif out_width / out_height < MIN_RATIO:
        out_height = math.floor(out_width / MIN_RATIO)
    return out_width, out_height


def _to_8bit(im: Image.Image) -> Image.Image:
    """Reduce to one of L, LA, RGB, RGBA or CMYK, keeping alpha for later flattening."""
    if im.mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return im
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # convert("L") would clip 16-bit values at 255 and turn the photo white.
        return im.convert("I").point(lambda value: value / 256).convert("L")
    if im.mode == "F":
        return im.point(lambda value: value * 255).convert("L")
    if im.mode in ("P", "PA"):
        return im.convert("RGBA")
    if im.mode == "1":
        return im.convert("L")
    return im.convert("RGBA" if "A" in im.getbands() else "RGB")


def _flatten_on_white(im: Image.Image) -> Image.Image:
    if im.mode not in ("LA", "RGBA"):
        return im
    flat_mode = im.mode[:-1]
    background = Image.new(flat_mode, im.size, 255 if flat_mode == "L" else (255, 255, 255))
    background.paste(im.convert(flat_mode), mask=im.getchannel("A"))
    return background


def _to_srgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(im, source, _SRGB_PROFILE, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            # A broken profile, or one that does not match the pixels (an RGB profile on a
            # CMYK image): fall back to the plain conversion rather than refuse the photo.
            pass
        else:
            if converted is not None:
                return converted
    return im if im.mode == "RGB" else im.convert("RGB")


def _encode_jpeg(im: Image.Image) -> bytes:
    # Resized images inherit `info` (comments, XMP, EXIF, ICC); the rendition carries none of it.
    im.info = {}
    for quality in (JPEG_QUALITY, *_FALLBACK_QUALITIES):
        buffer = io.BytesIO()
        # Optimised Huffman tables make a 1440×1800 rendition about 7 % smaller for some 15 ms.
        # Progressive encoding would save 3 % more for three times that; Instagram re-encodes
        # what it is sent, and a rendition loads quickly enough either way.
        im.save(buffer, "JPEG", quality=quality, optimize=True)
        if buffer.tell() <= MAX_RENDITION_BYTES:
            return buffer.getvalue()
    raise _rejected("too_large", message_key="rendition_too_large")


def make_rendition(
    fileobj: ImageSource, crop: CropBox | None = None, target_ratio: float | None = None
) -> Rendition:
    """The JPEG to post: upright, cropped, 320–1440 px wide, sRGB, without any metadata.

    `crop` is clamped with `clamp_crop` first; without it the largest centred crop is used.
    `target_ratio` fixes the ratio exactly (carousel items after the first take the first's).
    Raises ImageRejected like `inspect_image`, and with code "too_small" when the crop cannot
    be made MIN_WIDTH pixels wide.
    """
    with _checked_image(fileobj) as (im, info):
        width, height = info.width, info.height
        if crop is None:
            box = default_crop(width, height, target_ratio)
        else:
            box = clamp_crop(crop, width, height, target_ratio)
        ratio = _allowed_ratio(
            target_ratio if target_ratio is not None else crop_ratio(box, width, height), width, height
        )
        crop_width = box.width * width
        out_width, out_height = _rendition_size(crop_width, ratio)
        # pillow-heif has already applied the HEIF rotation; rotating by EXIF would do it twice.
        orientation = _exif_orientation(im) if info.format != "HEIF" else 1
        if info.format == "JPEG":
            _draft_jpeg(im, scale=out_width / crop_width)
        _decode(im)
        icc_profile = im.info.get("icc_profile")
        image = _to_8bit(im)
        # The photo is cropped and scaled as stored and turned upright afterwards, at rendition
        # size: turning the decoded photo first would copy all of it. The crop is in fractions of
        # the upright photo, so it maps onto the (possibly draft-reduced) stored one.
        turn, stored_point = _UNDO_ORIENTATION.get(orientation, (None, _same_point))
        corners = (stored_point(box.x, box.y), stored_point(box.x + box.width, box.y + box.height))
        decoded_width, decoded_height = image.size
        source_box = (
            min(x for x, _ in corners) * decoded_width,
            min(y for _, y in corners) * decoded_height,
            max(x for x, _ in corners) * decoded_width,
            max(y for _, y in corners) * decoded_height,
        )
        stored_size = (out_height, out_width) if orientation in (5, 6, 7, 8) else (out_width, out_height)
        # reducing_gap=1.0 first shrinks by the largest whole factor that keeps at least the
        # output size, averaging blocks of pixels, and leaves the rest to LANCZOS: the trade a
        # JPEG already makes when decoded at 1/2 size (fine text scaled down 2.08 times stays as
        # legible, 26.6 dB from LANCZOS alone in both cases), at half the cost for a phone's HEIC.
        # After draft decoding a JPEG has less than a factor of 2 left (bar crops over 16 times
        # the output width), so this is for the other formats.
        image = image.resize(stored_size, Image.Resampling.LANCZOS, box=source_box, reducing_gap=1.0)
        if turn is not None:
            image = image.transpose(turn)
        image = _to_srgb(_flatten_on_white(image), icc_profile)
        content = _encode_jpeg(image)
    return Rendition(content=content, width=out_width, height=out_height)


def _same_point(x: float, y: float) -> tuple[float, float]:
    return x, y


# For each EXIF orientation: the turn that makes the stored photo upright (as
# ImageOps.exif_transpose does), and where a point of the upright photo lies in the stored one
# (both in fractions of width and height).
_UNDO_ORIENTATION: dict[int, tuple[Image.Transpose, Callable[[float, float], tuple[float, float]]]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT, lambda x, y: (1 - x, y)),
    3: (Image.Transpose.ROTATE_180, lambda x, y: (1 - x, 1 - y)),
    4: (Image.Transpose.FLIP_TOP_BOTTOM, lambda x, y: (x, 1 - y)),
    5: (Image.Transpose.TRANSPOSE, lambda x, y: (y, x)),
    6: (Image.Transpose.ROTATE_270, lambda x, y: (y, 1 - x)),
    7: (Image.Transpose.TRANSVERSE, lambda x, y: (1 - y, 1 - x)),
    8: (Image.Transpose.ROTATE_90, lambda x, y: (1 - y, x)),
}


PREVIEW_MAX_SIDE = 1200
PREVIEW_QUALITY = 80


def make_preview(fileobj: ImageSource, max_side: int = PREVIEW_MAX_SIDE) -> bytes:
    """The whole upright photo as a small sRGB JPEG without metadata, for the crop tool.

    Checked like an upload (ImageRejected otherwise); crop boxes are fractions, so they fit the
    preview as they fit the original.
    """
    return _whole_photo_jpeg(fileobj, (max_side, max_side), PREVIEW_QUALITY)


# Meta's reel cover: a JPEG, 9:16 at most 1080 × 1920 (GRAPH_API.md).
VIDEO_COVER_MAX_SIZE = (1080, 1920)
VIDEO_COVER_QUALITY = 90


def make_video_cover(fileobj: ImageSource) -> bytes:
    """A reel's cover photo as Meta takes it: the whole upright photo as an sRGB JPEG without
    metadata, within 1080 × 1920. Checked and decoded under the same guards as any photo."""
    return _whole_photo_jpeg(fileobj, VIDEO_COVER_MAX_SIZE, VIDEO_COVER_QUALITY)


def _whole_photo_jpeg(fileobj: ImageSource, max_size: tuple[int, int], quality: int) -> bytes:
    with _checked_image(fileobj) as (im, info):
        if info.format == "JPEG":
            im.draft(im.mode, max_size)
        _decode(im)
        icc_profile = im.info.get("icc_profile")
        if info.format != "HEIF":  # pillow-heif has rotated it already
            ImageOps.exif_transpose(im, in_place=True)
        image = _to_8bit(im)
        image.thumbnail(max_size, Image.Resampling.LANCZOS)
        image = _to_srgb(_flatten_on_white(image), icc_profile)
        image.info = {}
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _draft_jpeg(im: Image.Image, scale: float) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 size if that still leaves `scale` of the pixels.

    For a 24-megapixel photo this roughly halves the time and memory of a rendition.
    """
    stored_width, stored_height = im.size
    im.draft(im.mode, (max(1, math.ceil(stored_width * scale)), max(1, math.ceil(stored_height * scale))))
