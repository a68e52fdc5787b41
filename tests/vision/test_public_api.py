"""The vision package's curated public API, and its light import."""

from __future__ import annotations

import subprocess
import sys

import upperback.vision as vision

# Every name the web app imports from the vision package; removing one breaks the web app.
USED_BY_THE_WEB = {
    "Limits",
    "LiveFrame",
    "MIN_COUNTING_FPS",
    "MediaError",
    "OnProgress",
    "Point",
    "VisionError",
    "analyse_exercise",
    "analyse_photo",
    "browser_spec",
    "check_image",
    "check_video",
    "fast_enough_to_count",
    "load_library",
    "measured_fps",
    "posture_picture",
    "read_cva",
    "recount_live_set",
    "repetition_sheet",
    "run_isolated",
    "signal_plot",
    "write_png",
}


def test_every_exported_name_resolves() -> None:
    assert vision.__all__ == sorted(vision.__all__)
    for name in vision.__all__:
        assert getattr(vision, name) is not None


def test_it_exports_what_the_web_app_uses() -> None:
    assert set(vision.__all__) >= USED_BY_THE_WEB


def test_importing_the_package_and_its_cli_loads_neither_opencv_nor_mediapipe() -> None:
    code = (
        "import sys, upperback.vision, upperback.vision.commands; "
        "print(sorted(m for m in ('cv2', 'mediapipe') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
