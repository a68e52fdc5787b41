"""Our own landmark types: nothing outside pose.py sees a MediaPipe object.

Coordinates are in pixels of the original image (not normalised), so that angles measured on
them are true angles whatever the image's aspect ratio.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Joint(IntEnum):
    """The 33 BlazePose landmarks, numbered as the model numbers them."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


SIDES: tuple[str, str] = ("left", "right")

# The skeleton drawn on pictures: pairs of joints joined by a bone.
BONES: tuple[tuple[Joint, Joint], ...] = (
    (Joint.LEFT_SHOULDER, Joint.RIGHT_SHOULDER),
    (Joint.LEFT_SHOULDER, Joint.LEFT_ELBOW),
    (Joint.LEFT_ELBOW, Joint.LEFT_WRIST),
    (Joint.RIGHT_SHOULDER, Joint.RIGHT_ELBOW),
    (Joint.RIGHT_ELBOW, Joint.RIGHT_WRIST),
    (Joint.LEFT_SHOULDER, Joint.LEFT_HIP),
    (Joint.RIGHT_SHOULDER, Joint.RIGHT_HIP),
    (Joint.LEFT_HIP, Joint.RIGHT_HIP),
    (Joint.LEFT_HIP, Joint.LEFT_KNEE),
    (Joint.RIGHT_HIP, Joint.RIGHT_KNEE),
    (Joint.LEFT_KNEE, Joint.LEFT_ANKLE),
    (Joint.RIGHT_KNEE, Joint.RIGHT_ANKLE),
    (Joint.LEFT_EAR, Joint.LEFT_EYE),
    (Joint.RIGHT_EAR, Joint.RIGHT_EYE),
    (Joint.LEFT_EYE, Joint.NOSE),
    (Joint.RIGHT_EYE, Joint.NOSE),
)


def sided(side: str, part: str) -> Joint:
    """`sided("left", "elbow")` is Joint.LEFT_ELBOW."""
    return Joint[f"{side.upper()}_{part.upper()}"]


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Landmark:
    x: float
    y: float
    visibility: float

    @property
    def point(self) -> Point:
        return Point(self.x, self.y)


@dataclass(frozen=True, slots=True)
class Pose:
    """One person's landmarks in one image, in that image's pixels."""

    landmarks: tuple[Landmark, ...]
    width: int
    height: int

    def __getitem__(self, joint: Joint) -> Landmark:
        return self.landmarks[joint]

    def visible(self, *joints: Joint, threshold: float) -> bool:
        """True when every joint is seen with at least `threshold` visibility."""
        return all(self.landmarks[j].visibility >= threshold for j in joints)

    def visibility(self, *joints: Joint) -> float:
        """The weakest visibility among the joints: a limb is only as sure as its worst end."""
        return min(self.landmarks[j].visibility for j in joints)


@dataclass(frozen=True, slots=True)
class PoseFrame:
    """The pose found (or not) in one sampled video frame."""

    index: int
    time_s: float
    pose: Pose | None
