"""A photo's analysis as the task worker runs it: a cold isolated child per photo (a fresh
interpreter that loads OpenCV and MediaPipe) against the warm pool (upperback.vision.pool:
children started and set up ahead, the same memory and time limits). Target: the warm path
under 1 s of wall time, median, after warm-up.

Each measured run is the whole call the worker makes (`photo_job` in the child: decode the
photo, find the one person, the posture reading and its picture written as a PNG), the cold
and warm runs interleaved so a busy moment hurts both alike. The pool's child is retired
after its `max_jobs` jobs (here the default) and replaced in the background; a pause between
photos, as between uploads, lets a replacement warm up.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.run import machine
from upperback.vision.isolated import Limits, run_isolated
from upperback.vision.pool import DEFAULT_MAX_JOBS, WarmPool
from upperback.web.media.analysis import photo_job

PHOTOS = Path(__file__).resolve().parents[2] / "shared" / "data" / "photos"
PHOTO = PHOTOS / "markers_side.jpg"
ROUNDS = 9
PAUSE_S = 0.5


def _kwargs(folder: Path, i: int) -> dict[str, object]:
    out = folder / f"out-{i}"
    out.mkdir()
    return {"path": str(PHOTO), "view": "side", "points": {}, "out": str(out)}


def measure(rounds: int = ROUNDS) -> tuple[list[float], list[float], float]:
    """(cold seconds, warm seconds, first warm call including the wait for its warm-up)."""
    cold, warm = [], []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        pool = WarmPool(Limits(), setup="upperback.vision.photo:warm_up")
        try:
            started = time.perf_counter()
            pool.run(photo_job, _kwargs(folder, 0))
            first = time.perf_counter() - started
            for i in range(1, rounds + 1):
                started = time.perf_counter()
                run_isolated(photo_job, _kwargs(folder, 2 * i), Limits())
                cold.append(time.perf_counter() - started)
                time.sleep(PAUSE_S)
                started = time.perf_counter()
                pool.run(photo_job, _kwargs(folder, 2 * i + 1))
                warm.append(time.perf_counter() - started)
                time.sleep(PAUSE_S)
        finally:
            pool.close()
    return cold, warm, first


def run() -> str:
    cold, warm, first = measure()
    cold_s, warm_s = statistics.median(cold), statistics.median(warm)
    load = os.getloadavg()[0]
    return "\n".join(
        [
            "## Camera analysis: warm pool against a cold child (a photo)",
            "",
            "Command: `make bench BENCH_ARGS=bench.analysis_pool` (module "
            "`bench/analysis_pool.py`).",
            "",
            f"`{PHOTO.name}` analysed {len(cold)} times each way, interleaved, as the task worker "
            "does it (`photo_job` in an isolated child with the 2 GiB memory limit: decoding, "
            "the one person, the posture reading, its PNG). Cold: a fresh child per photo. "
            f"Warm: one child of the pool, set up ahead and retired after {DEFAULT_MAX_JOBS} "
            f"jobs or any failure. Measured {dt.date.today().isoformat()} on {machine()}; "
            f"load average {load:.1f} (the machine is shared).",
            "",
            "| path | median wall s | min | max |",
            "|---|---|---|---|",
            f"| cold child per photo | {cold_s:.2f} | {min(cold):.2f} | {max(cold):.2f} |",
            f"| warm pool (target under 1 s) | {warm_s:.2f} | {min(warm):.2f} | {max(warm):.2f} |",
            f"| cold / warm | {cold_s / warm_s:.1f}x | | |",
            "",
            f"The pool's first photo, waiting for its child's warm-up: {first:.2f} s.",
        ]
    )
