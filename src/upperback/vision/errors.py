"""The errors of the vision package: each carries a message a patient can act on."""

from __future__ import annotations


class VisionError(Exception):
    """Base of every error the vision package raises on purpose."""


class MediaError(VisionError):
    """The file is not media we can read safely (empty, truncated, wrong type, too big)."""


class RetakeError(VisionError):
    """The media is readable but does not show what we need: the message says what to retake."""


class TrackingSpecError(VisionError):
    """The exercise tracking knowledge base is broken: names the file and the exercise."""
