"""Checks on a media file before anything decodes it.

The type comes from the file's first bytes, never its name; an image's size comes from its
header, so a small PNG declaring 100 megapixels (a decompression bomb) is refused before
OpenCV would allocate gigabytes for it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage

from upperback.vision.errors import MediaError
from upperback.vision.pose import Image, model_square_side
from upperback.vision.video import MAX_VIDEO_FPS, MAX_VIDEO_SECONDS, VideoInfo, probe

MAX_IMAGE_BYTES = 25 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a 40-megapixel phone photo is the largest we expect
# A posture photo is upright or a little wide (phones: 4:3, 16:9, about 1.8; two people side
# by side, about 3.6); a picture ten times longer than wide shows no patient, and a 65535x610
# strip asked for 12.9 GB once padded to a square.
MAX_ASPECT_RATIO = 4.0
# The square the pose model is given (see pose.model_square_side): its side and its pixels.
# Pictures are shrunk before padding, so these hold for any photo that passes the checks
# above; they are checked anyway, on the number that is really allocated.
MAX_MODEL_SIDE = 4096
MAX_MODEL_PIXELS = MAX_MODEL_SIDE * MAX_MODEL_SIDE
MAX_VIDEO_BYTES = 200 * 1024 * 1024
MAX_VIDEO_PIXELS = 3840 * 2160
HEADER_BYTES = 64 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
# JPEG start-of-frame markers carry the size; C4 (huffman), C8 and CC are not frames.
JPEG_FRAME_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


@dataclass(frozen=True, slots=True)
class ImageHeader:
    image_format: str  # "jpeg" or "png", from the first bytes
    width: int
    height: int


def _read_head(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise MediaError("file_unreadable", file=path.name, reason=str(error.strerror)) from None
    if size == 0:
        raise MediaError("file_empty", file=path.name)
    if size > limit:
        raise MediaError("file_too_large", file=path.name, megabytes=size // 1_000_000)
    with path.open("rb") as handle:
        return handle.read(HEADER_BYTES)


def _png_size(head: bytes) -> tuple[int, int]:
    if len(head) < 24 or head[12:16] != b"IHDR":
        raise MediaError("png_header_damaged")
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def _jpeg_size(head: bytes) -> tuple[int, int]:
    position = 2
    while position + 9 <= len(head):
        if head[position] != 0xFF:
            position += 1
            continue
        marker = head[position + 1]
        if marker in JPEG_FRAME_MARKERS:
            height, width = struct.unpack(">HH", head[position + 5 : position + 9])
            return int(width), int(height)
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            position += 2 if marker != 0xFF else 1
            continue
        (length,) = struct.unpack(">H", head[position + 2 : position + 4])
        position += 2 + length
    raise MediaError("jpeg_header_damaged")


def read_image_header(path: Path) -> ImageHeader:
    """The image's type and size from its first bytes; refuses what is not a JPEG or PNG."""
    head = _read_head(path, MAX_IMAGE_BYTES)
    try:
        if head.startswith(PNG_SIGNATURE):
            return ImageHeader("png", *_png_size(head))
        if head.startswith(JPEG_SIGNATURE):
            return ImageHeader("jpeg", *_jpeg_size(head))
    except MediaError as error:
        raise error.in_file(path.name) from None
    raise MediaError("not_a_photo", file=path.name)


def check_image(path: Path) -> ImageHeader:
    header = read_image_header(path)
    if header.width <= 0 or header.height <= 0:
        raise MediaError("photo_without_size", file=path.name)
    if header.width * header.height > MAX_IMAGE_PIXELS:
        raise MediaError(
            "photo_too_many_pixels",
            file=path.name,
            megapixels=round(header.width * header.height / 1e6),
            limit=round(MAX_IMAGE_PIXELS / 1e6),
        )
    check_model_input(header.width, header.height, path.name)
    return header


def aspect_ratio(width: int, height: int) -> float:
    return max(width, height) / max(1, min(width, height))


def check_model_input(width: int, height: int, name: str) -> None:
    """What the pose model will really be given: a shape it can read, a bounded square."""
    ratio = aspect_ratio(width, height)
    if ratio > MAX_ASPECT_RATIO:
        raise MediaError(
            "photo_too_narrow", file=name, ratio=round(ratio, 1), limit=MAX_ASPECT_RATIO
        )
    side = model_square_side(width, height)
    if side > MAX_MODEL_SIDE or side * side > MAX_MODEL_PIXELS:
        raise MediaError("photo_too_large_for_model", file=name, side=side, limit=MAX_MODEL_SIDE)


def load_image(path: Path) -> Image:
    """Check, then decode, upright: a file that passes the checks but will not decode is
    damaged. The EXIF orientation is applied here, explicitly, before the model sees the
    photo (a phone stores a portrait photo's pixels on their side and says so in the tag)."""
    check_image(path)
    data = np.fromfile(str(path), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if image is None:
        raise MediaError("photo_damaged", file=path.name)
    return upright_by_exif(np.asarray(image, dtype=np.uint8), exif_orientation(path))


# EXIF orientation tag -> the turn that shows the stored pixels upright (as PIL's
# ImageOps.exif_transpose does; 1 or no tag: as stored).
EXIF_ORIENTATION_TAG = 0x0112
EXIF_TRANSPOSE: dict[int, PILImage.Transpose] = {
    2: PILImage.Transpose.FLIP_LEFT_RIGHT,
    3: PILImage.Transpose.ROTATE_180,
    4: PILImage.Transpose.FLIP_TOP_BOTTOM,
    5: PILImage.Transpose.TRANSPOSE,
    6: PILImage.Transpose.ROTATE_270,
    7: PILImage.Transpose.TRANSVERSE,
    8: PILImage.Transpose.ROTATE_90,
}


def exif_orientation(path: Path) -> int:
    """The photo's EXIF orientation (1 when it has none or it cannot be read)."""
    try:
        with PILImage.open(path) as picture:
            return int(picture.getexif().get(EXIF_ORIENTATION_TAG, 1))
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError):
        return 1


def upright_by_exif(image: Image, orientation: int) -> Image:
    method = EXIF_TRANSPOSE.get(orientation)
    if method is None:
        return image
    turned = PILImage.fromarray(image).transpose(method)  # channel order does not matter
    return np.ascontiguousarray(np.asarray(turned, dtype=np.uint8))


def _looks_like_video(head: bytes) -> bool:
    iso_media = len(head) >= 12 and head[4:8] == b"ftyp"  # MP4, MOV, 3GP
    matroska = head.startswith(b"\x1a\x45\xdf\xa3")  # WebM, MKV
    avi = head[:4] == b"RIFF" and head[8:12] == b"AVI "
    return iso_media or matroska or avi


def check_video(path: Path) -> VideoInfo:
    """Type by content, then duration and resolution from the container, then one frame.

    The container's duration is only what the file says: the frames are counted again while
    they are decoded (video.sampled_frames), where a file holding more than it declares stops.
    """
    head = _read_head(path, MAX_VIDEO_BYTES)
    if not _looks_like_video(head):
        raise MediaError("not_a_video", file=path.name)
    info = probe(path)
    if info.duration_s > MAX_VIDEO_SECONDS:
        raise MediaError(
            "video_too_long",
            file=path.name,
            seconds=round(info.duration_s),
            limit=round(MAX_VIDEO_SECONDS),
        )
    if info.width * info.height > MAX_VIDEO_PIXELS:
        raise MediaError("video_too_large", file=path.name)
    if aspect_ratio(info.width, info.height) > MAX_ASPECT_RATIO:
        raise MediaError("video_too_narrow", file=path.name)
    if info.fps > MAX_VIDEO_FPS:
        raise MediaError(
            "video_frame_rate", file=path.name, fps=round(info.fps), limit=round(MAX_VIDEO_FPS)
        )
    _first_frame_decodes(path)
    return info


def _first_frame_decodes(path: Path) -> None:
    capture = cv2.VideoCapture(str(path))
    try:
        ok, _ = capture.read()
    finally:
        capture.release()
    if not ok:
        raise MediaError("video_damaged", file=path.name)
