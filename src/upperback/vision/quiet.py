"""Keep MediaPipe's and TensorFlow Lite's log lines off the command line's stderr.

They come from C++ (absl logging: "W0000 ..." lines, "WARNING: All log messages before
absl::InitializeLog() ..."; TFLite: "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.")
and write to file descriptor 2 directly, some from the graph's own threads after the call that
caused them has returned, so neither Python's sys.stderr nor a redirection around each call
catches them all, and MediaPipe 0.10.21 reads no environment variable that silences them.
So, while a vision command runs, descriptor 2 is a pipe: a thread passes on every line but
those of the libraries' log formats. The analysis children (isolated.py) send their stderr to
/dev/null instead. UPPERBACK_VISION_VERBOSE=1 (or the command's `--verbose`) shows everything.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

VERBOSE_ENV = "UPPERBACK_VISION_VERBOSE"
# absl and glog: a severity letter, month and day, the time (seconds since the epoch when absl
# is not initialised: "W0000 00:00:1795938040.833607"), the thread, "file.cc:line] "; TFLite's
# own logger; absl's note about logging before InitializeLog.
NATIVE_LOG = re.compile(
    rb"^(?:[IWEF]\d{4} \d\d:\d\d:[\d.]+ +\d+ [\w.-]+:\d+\] |INFO: Created TensorFlow Lite |"
    rb"WARNING: All log messages before absl::InitializeLog\(\))"
)
JOIN_S = 5.0


def verbose() -> bool:
    return os.environ.get(VERBOSE_ENV, "") not in ("", "0")


def is_native_log(line: bytes) -> bool:
    return NATIVE_LOG.match(line) is not None


def _pass_on(read_end: int, write_to: int) -> None:
    """Copy lines from the pipe to the real stderr, dropping the libraries' log lines."""
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        pending = b""
        while chunk := pipe.read(65536):
            *lines, pending = (pending + chunk).split(b"\n")
            kept = b"".join(line + b"\n" for line in lines if not is_native_log(line))
            if kept:
                os.write(write_to, kept)
        if pending and not is_native_log(pending):
            os.write(write_to, pending)


@contextmanager
def native_logs_filtered() -> Iterator[None]:
    """Inside the block, the libraries' log lines written to descriptor 2 are dropped."""
    if verbose():
        yield
        return
    sys.stderr.flush()
    real = os.dup(2)
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    forwarder = threading.Thread(target=_pass_on, args=(read_end, real), daemon=True)
    forwarder.start()
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(real, 2)  # the pipe's last write end closes: the forwarder reads to the end
        forwarder.join(timeout=JOIN_S)
        os.close(real)
