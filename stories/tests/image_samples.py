"""Sample image files made in code, for tests of uploads and renditions.

Every generator returns the file's bytes. Photos carry a red square in the top-left corner of
the stored pixels, so a test can tell where that corner ended up after rotation.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Iterable

import pillow_heif
from PIL import ExifTags, Image, ImageCms, ImageDraw

pillow_heif.register_heif_opener()

MARKER_COLOUR = (230, 20, 20)
ORIENTATION_TAG = 0x0112


def photo(width: int = 1200, height: int = 900, mode: str = "RGB") -> Image.Image:
    """A photo-like image: smooth gradients with some grain and a red square in the top-left."""
    red = Image.linear_gradient("L").resize((width, height), Image.Resampling.BILINEAR)
    green = Image.radial_gradient("L").resize((width, height), Image.Resampling.BILINEAR)
    grain = Image.effect_noise((max(1, width // 4), max(1, height // 4)), 40).resize((width, height))
    image = Image.merge("RGB", (red, green, grain))
    marker = max(8, min(width, height) // 10)
    ImageDraw.Draw(image).rectangle((0, 0, marker - 1, marker - 1), fill=MARKER_COLOUR)
    if mode == "RGB":
        return image
    if mode == "RGBA":
        image.putalpha(Image.linear_gradient("L").rotate(90).resize((width, height)))
        return image
    return image.convert(mode)


def solid(width: int, height: int, colour: tuple[int, ...], mode: str = "RGB") -> Image.Image:
    return Image.new(mode, (width, height), colour)


def camera_exif(orientation: int | None = None, gps: bool = False) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "Canon EOS R6"
    exif[ExifTags.Base.DateTime] = "2025:06:14 11:02:33"
    if orientation is not None:
        exif[ORIENTATION_TAG] = orientation
    if gps:
        gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_ifd[ExifTags.GPS.GPSLatitude] = (53.0, 34.0, 35.2)
        gps_ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps_ifd[ExifTags.GPS.GPSLongitude] = (9.0, 52.0, 48.1)
    return exif


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def jpeg_bytes(
    width: int = 1200,
    height: int = 900,
    *,
    orientation: int | None = None,
    gps: bool = False,
    icc_profile: bytes | None = None,
    quality: int = 90,
    progressive: bool = False,
    image: Image.Image | None = None,
) -> bytes:
    image = image if image is not None else photo(width, height)
    options: dict[str, object] = {"quality": quality, "progressive": progressive}
    if "comment" in image.info:
        options["comment"] = image.info["comment"]
    if orientation is not None or gps:
        options["exif"] = camera_exif(orientation, gps).tobytes()
    if icc_profile:
        options["icc_profile"] = icc_profile
    return encode(image, "JPEG", **options)


def jpeg_with_exif_orientation(
    width: int = 4000, height: int = 3000, orientation: int = 6, gps: bool = True
) -> bytes:
    """A camera JPEG stored landscape, to be shown rotated, with GPS position tags and a comment."""
    image = photo(width, height)
    image.info["comment"] = b"Taken at 53.5753 N, 9.8786 E"
    return jpeg_bytes(width, height, orientation=orientation, gps=gps, image=image)


def heic_bytes(
    width: int = 1600, height: int = 1200, *, orientation: int | None = None, quality: int = 70
) -> bytes:
    """A HEIC as a phone writes it; pillow-heif turns EXIF orientation into a HEIF rotation."""
    # x265's fastest preset: a 12-megapixel photo takes about 1 s to write instead of 7 s.
    options: dict[str, object] = {"quality": quality, "enc_params": {"preset": "ultrafast"}}
    if orientation is not None:
        options["exif"] = camera_exif(orientation, gps=True).tobytes()
    return encode(photo(width, height), "HEIF", **options)


def png_bytes(width: int = 1200, height: int = 900, mode: str = "RGB") -> bytes:
    return encode(photo(width, height, mode), "PNG")


def png_16bit_bytes(width: int = 800, height: int = 600, level: int = 30000) -> bytes:
    """A 16-bit greyscale PNG, every pixel at `level` out of 65535."""
    return encode(Image.new("I;16", (width, height), level), "PNG")


def webp_bytes(width: int = 1200, height: int = 900, mode: str = "RGB") -> bytes:
    return encode(photo(width, height, mode), "WEBP", quality=85)


def mpo_bytes(width: int = 1200, height: int = 900) -> bytes:
    """A JPEG with a second picture appended, as phones write for depth maps and previews."""
    image = photo(width, height)
    return encode(image, "MPO", save_all=True, append_images=[image.resize((width // 4, height // 4))])


def cmyk_jpeg_bytes(
    width: int = 1000, height: int = 800, colour: tuple[int, int, int, int] | None = None, **options: object
) -> bytes:
    image = solid(width, height, colour, "CMYK") if colour else photo(width, height, "CMYK")
    return encode(image, "JPEG", quality=92, **options)


def _frames(count: int, size: tuple[int, int], mode: str = "RGB") -> list[Image.Image]:
    colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30)]
    return [Image.new(mode, size, colours[i % len(colours)]) for i in range(count)]


def animated_gif_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    first, *rest = _frames(3, size, "P")
    return encode(first, "GIF", save_all=True, append_images=rest, duration=100, loop=0)


def static_gif_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    return encode(photo(*size).convert("P"), "GIF")


def animated_png_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    first, *rest = _frames(3, size)
    return encode(first, "PNG", save_all=True, append_images=rest, duration=100, loop=0)


def animated_webp_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    first, *rest = _frames(3, size)
    return encode(first, "WEBP", save_all=True, append_images=rest, duration=100, loop=0)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, colour_type: int, idat: Iterable[bytes]) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    chunks = [_png_chunk(b"IHDR", header), *(_png_chunk(b"IDAT", part) for part in idat)]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks) + _png_chunk(b"IEND", b"")


def png_header_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims enormous dimensions."""
    return _png(width, height, 2, [zlib.compress(b"\x00" * 64)])


def png_zlib_bomb(width: int = 12_000, height: int = 12_000) -> bytes:
    """A greyscale PNG that really holds width×height pixels of zeros, compressed to a few KB."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte + pixels
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    return _png(width, height, 0, [b"".join(parts)])


def truncated(data: bytes, keep: float = 0.6) -> bytes:
    return data[: int(len(data) * keep)]


def jpeg_with_broken_huffman_table(width: int = 1600, height: int = 1000) -> bytes:
    """A JPEG whose header opens and whose end is intact, but whose first Huffman table claims
    more codes than it holds: only decoding its pixels shows that it is damaged."""
    data = bytearray(jpeg_bytes(width, height))
    table = data.index(b"\xff\xc4")  # DHT: marker, length (2 bytes), class and id, 16 counts
    data[table + 5 : table + 21] = b"\xff" * 16
    return bytes(data)


HTML = (
    b"<!DOCTYPE html>\n<html><head><title>Photo</title></head>"
    b"<body><img src=x onerror=alert(1)></body></html>\n"
)
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">'
    b'<rect width="1200" height="900" fill="red"/><script>alert(1)</script></svg>\n'
)
EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 1200 900\n"
    b"newpath 0 0 moveto 1200 900 lineto stroke\nshowpage\n%%EOF\n"
)
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def random_bytes(size: int = 50_000, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


# --- ICC profiles -------------------------------------------------------------------------------

# sRGB primaries and white point adapted to D50, as ICC matrix profiles store them.
SRGB_RED_XYZ = (0.4361, 0.2225, 0.0139)
SRGB_GREEN_XYZ = (0.3851, 0.7169, 0.0971)
SRGB_BLUE_XYZ = (0.1431, 0.0606, 0.7141)
D50 = (0.9642, 1.0, 0.8249)


def srgb_icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _s15fixed16(values: tuple[float, float, float]) -> bytes:
    return b"".join(struct.pack(">i", round(v * 65536)) for v in values)


def matrix_icc_profile(
    red: tuple[float, float, float],
    green: tuple[float, float, float],
    blue: tuple[float, float, float],
    gamma: float = 2.2,
    description: str = "Test RGB",
) -> bytes:
    """A minimal ICC v2 RGB display profile with the given colorants (XYZ, D50) and gamma."""
    ascii_text = description.encode("ascii") + b"\x00"
    desc = b"desc\x00\x00\x00\x00" + struct.pack(">I", len(ascii_text)) + ascii_text
    desc += struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\x00" * 67
    curve = b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, round(gamma * 256)) + b"\x00\x00"
    tags = [
        (b"desc", desc),
        (b"cprt", b"text\x00\x00\x00\x00No copyright, test data\x00"),
        (b"wtpt", b"XYZ \x00\x00\x00\x00" + _s15fixed16(D50)),
        (b"rXYZ", b"XYZ \x00\x00\x00\x00" + _s15fixed16(red)),
        (b"gXYZ", b"XYZ \x00\x00\x00\x00" + _s15fixed16(green)),
        (b"bXYZ", b"XYZ \x00\x00\x00\x00" + _s15fixed16(blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = struct.pack(">I", len(tags))
    body = b""
    for signature, data in tags:
        padded = data + b"\x00" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += padded
    size = offset + len(body)
    header = struct.pack(">I", size) + b"\x00" * 4 + struct.pack(">I", 0x02100000)
    header += b"mntrRGB XYZ " + struct.pack(">6H", 2025, 1, 1, 0, 0, 0) + b"acsp"
    header += b"\x00" * (64 - len(header)) + struct.pack(">I", 0) + _s15fixed16(D50)
    header += b"\x00" * (128 - len(header))
    return header + table + body


def swapped_primaries_icc_profile() -> bytes:
    """An RGB profile whose red channel means sRGB blue and whose blue channel means sRGB red.

    Pixels tagged with it change colour visibly when the profile is honoured, so a test can tell
    that a conversion happened.
    """
    return matrix_icc_profile(SRGB_BLUE_XYZ, SRGB_GREEN_XYZ, SRGB_RED_XYZ, description="Swapped RGB")
