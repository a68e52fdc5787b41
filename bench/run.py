"""`make bench`: run every benchmark and write docs/benchmarks.md.

Each module in BENCHMARKS has `run() -> str`, returning one Markdown section (a heading, the
command, medians and ratios). Speed lives here, never in timed unit tests.
Run a subset with `make bench BENCH_ARGS="bench.engine"`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import sys
from pathlib import Path

BENCHMARKS: tuple[str, ...] = (
    "bench.engine",
    "bench.scheduling",
    "bench.vision",
    "bench.analysis_pool",
    "bench.web",
    "bench.load",
    "bench.retriage",
    "bench.care",
    "bench.messaging",
)
OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main(selected: list[str]) -> int:
    names = selected or list(BENCHMARKS)
    sections = []
    for name in names:
        print(f"bench: {name}", file=sys.stderr)
        sections.append(importlib.import_module(name).run())
    header = (
        "# Benchmarks\n\n"
        f"Measured {dt.date.today().isoformat()} on {machine()}.\n"
        "Command: `make bench` (each section names its own module). Medians of repeated runs.\n"
    )
    if selected and OUTPUT.exists():
        print("\n\n".join(sections))
        return 0
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(header + "\n" + "\n\n".join(sections) + "\n")
    print(f"wrote {OUTPUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
