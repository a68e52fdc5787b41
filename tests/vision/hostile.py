"""Hostile media made on the spot, small on disk (shared by the vision and web tests)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def flat_png(path: Path, width: int, height: int, grey: int) -> Path:
    """A whole, valid greyscale PNG of one flat colour: huge in pixels, tiny on disk."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    compressor = zlib.compressobj(1)
    rows = (b"\x00" + bytes([grey]) * width) * 100
    data = b"".join(compressor.compress(rows) for _ in range(height // 100))
    data += compressor.compress(rows[: (height % 100) * (width + 1)]) + compressor.flush()
    png = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data)
    path.write_bytes(png + _chunk(b"IEND", b""))
    return path


def blank_wide_png(path: Path) -> Path:
    return flat_png(path, 20_000, 2_000, 255)


def strip_png(path: Path) -> Path:
    return flat_png(path, 65_535, 610, 255)


def dark_tall_png(path: Path) -> Path:
    return flat_png(path, 2_000, 20_000, 0)


def lying_avi(path: Path, source: Path, *, holds_s: float, claims_s: float) -> Path:
    """An MJPEG AVI of a real clip looped for `holds_s` seconds whose headers (avih total
    frames, strh length) claim `claims_s` seconds."""
    fps, size = 2.0, (192, 108)
    capture = cv2.VideoCapture(str(source))
    frames = []
    while len(frames) < 60:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.resize(frame, size, interpolation=cv2.INTER_AREA))
    capture.release()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    for index in range(int(holds_s * fps)):
        writer.write(np.asarray(frames[index % len(frames)]))
    writer.release()
    claimed = int(claims_s * fps)
    data = bytearray(path.read_bytes())
    avih, strh = data.find(b"avih"), data.find(b"strh")
    struct.pack_into("<I", data, avih + 8 + 16, claimed)  # dwTotalFrames
    struct.pack_into("<I", data, strh + 8 + 32, claimed)  # dwLength
    path.write_bytes(bytes(data))
    return path
