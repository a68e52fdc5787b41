"""Run one analysis in a child process with memory and wall-time limits.

A hostile file can make OpenCV or MediaPipe ask for gigabytes, crash on a bad pointer or run
for minutes. In a child process none of that reaches the caller (the web app's task worker):
the child's address space is capped (RLIMIT_AS), it is killed at its deadline, and whatever
stops it becomes a VisionError with a stable code. The child is a fresh interpreter
(`python -m upperback.vision.isolated`), not a fork, so it shares no threads, locks or
database connections with the caller.

The parent writes one JSON request on the child's stdin: the target ("module:function", named
by the caller's own code, never by a request), its keyword arguments, whether to report
progress, and the memory limit. The child answers in JSON lines on its own copy of stdout
(anything the libraries print goes to stderr): {"progress": [done, total]} while it works,
then one of {"result": value}, {"error": {"kind", "code", "file", "params"}},
{"memory": text} or {"failure": text}.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import resource
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from upperback.vision import errors
from upperback.vision.errors import VisionError
from upperback.vision.quiet import verbose

Progress = Callable[[int, int], None]

# Measured (docs/adr/0006): analysing the labelled photos and a clip peaks at about 870 MB of
# address space (VmPeak) for MediaPipe's graphs, their thread pools and OpenCV; a 40-megapixel
# photo adds about 600 MB. 2 GiB leaves a margin over both; the web app reads its own setting.
DEFAULT_MEMORY_BYTES = 2 * 1024**3
DEFAULT_SECONDS = 300.0
# glibc gives each thread its own malloc arena (64 MB of address space each on 64-bit); the
# model's thread pools would spend the limit on empty arenas, so the child keeps two.
CHILD_ENV = {"MALLOC_ARENA_MAX": "2"}
POLL_S = 1.0
EXIT_GRACE_S = 5.0
PR_SET_PDEATHSIG = 1
# How OpenCV, numpy and the loader say an allocation or a mapping was refused.
MEMORY_WORDS = (
    "insufficient memory",
    "failed to allocate",
    "out of memory",
    "bad_alloc",
    "cannot allocate memory",
    "failed to map segment",
)


@dataclass(frozen=True, slots=True)
class Limits:
    memory_bytes: int = DEFAULT_MEMORY_BYTES
    seconds: float = DEFAULT_SECONDS


def target_name(function: Callable[..., Any] | str) -> str:
    """ "module:function"; a string is taken as it is (a module the child imports by name)."""
    if isinstance(function, str):
        return function
    return f"{function.__module__}:{function.__qualname__}"


def run_isolated(
    function: Callable[..., Any] | str,
    kwargs: dict[str, Any],
    limits: Limits = Limits(),
    *,
    progress: Progress | None = None,
    heartbeat: Callable[[], None] | None = None,
    setup: Callable[[], None] | str | None = None,
) -> Any:
    """`function(**kwargs)` in a child process; its JSON result, or a VisionError.

    `function` must be importable by name and take and return JSON values. `progress` gets the
    child's (done, total) reports; `heartbeat` is called about once a second while it works.
    An exception from either (or an interrupt) kills the child at once and is raised here.
    `setup`, importable by name too, runs first in the child (and never in this process).
    """
    request = {
        "target": target_name(function),
        "kwargs": kwargs,
        "progress": progress is not None,
        "memory_bytes": limits.memory_bytes,
        "setup": None if setup is None else target_name(setup),
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "upperback.vision.isolated"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        # MediaPipe's and TFLite's log lines, and anything else the child prints, are dropped
        # unless UPPERBACK_VISION_VERBOSE is set: the answer says what went wrong.
        stderr=None if verbose() else subprocess.DEVNULL,
        env={**os.environ, **CHILD_ENV},
    )
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps(request, default=str).encode())
        child.stdin.close()
        answer = read_answer(child, child.stdout, limits, progress, heartbeat)
    except BaseException:  # the deadline, a callback's exception, an interrupt: stop it now
        child.kill()
        raise
    finally:
        _reap(child, EXIT_GRACE_S)
        if child.stdout is not None:
            child.stdout.close()
    return outcome(answer, child.returncode)


def _reap(child: subprocess.Popen[bytes], grace_s: float) -> None:
    try:
        child.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def read_answer(
    child: subprocess.Popen[bytes],
    stream: IO[bytes],
    limits: Limits,
    progress: Progress | None,
    heartbeat: Callable[[], None] | None,
    buffer: list[bytes] | None = None,
) -> dict[str, Any] | None:
    """The child's next answer (passing progress reports on); None if it closed its end
    first. Kills it at the deadline (VisionError analysis_timed_out). `buffer` keeps what
    was read past the answer, for the next call (a warm child answers more than once)."""
    deadline = time.monotonic() + limits.seconds
    buffer = buffer if buffer is not None else [b""]
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while True:
            while b"\n" in buffer[0]:
                line, buffer[0] = buffer[0].split(b"\n", 1)
                if not line.strip():
                    continue
                message = json.loads(line)
                if "progress" not in message:
                    return dict(message)
                if progress is not None:
                    progress(*message["progress"])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                child.kill()
                raise VisionError("analysis_timed_out", seconds=round(limits.seconds))
            ready = selector.select(timeout=min(remaining, POLL_S))
            if heartbeat is not None:
                heartbeat()
            if not ready:
                continue
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:  # the child closed its end: finished, or died
                return None
            buffer[0] += chunk


def outcome(answer: dict[str, Any] | None, returncode: int) -> Any:
    if answer is not None and "result" in answer:  # even if it crashed on its way out
        return answer["result"]
    if answer is not None and "error" in answer:
        raise _rebuilt(answer["error"])
    if answer is not None and "memory" in answer:
        raise VisionError("analysis_out_of_memory")
    if answer is not None and "failure" in answer:
        print(f"analysis failed: {answer['failure']}", file=sys.stderr)
        raise VisionError("analysis_failed")
    # No answer: killed by a signal (a crash, or the kernel out of memory) or exited on its own.
    reason = signal.Signals(-returncode).name if returncode < 0 else f"status {returncode}"
    print(f"analysis process stopped: {reason}", file=sys.stderr)
    raise VisionError("analysis_crashed")


def _rebuilt(error: dict[str, Any]) -> VisionError:
    kind = getattr(errors, str(error.get("kind")), VisionError)
    if not (isinstance(kind, type) and issubclass(kind, VisionError)):
        kind = VisionError
    return kind(error["code"], file=error.get("file"), **error.get("params", {}))


# --- the child's side ----------------------------------------------------------------------


def _die_with_parent() -> None:
    """Linux: the child is killed when the worker dies, so no orphan analysis runs on."""
    parent = os.getppid()
    try:
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the call took effect
        os._exit(1)


def _limit_memory(limit: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file behind


def _resolve(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return function


def _percent_reporter(send: Callable[[dict[str, Any]], None]) -> Progress:
    last = [-1]

    def report(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent != last[0]:
            last[0] = percent
            send({"progress": [done, total]})

    return report


def _answer(request: dict[str, Any], send: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    kwargs = dict(request["kwargs"])
    try:
        if request.get("setup"):
            _resolve(request["setup"])()
        function = _resolve(request["target"])
        if request.get("progress"):
            kwargs["progress"] = _percent_reporter(send)
        return {"result": function(**kwargs)}
    except VisionError as error:
        kind = type(error).__name__
        return {"error": {"kind": kind, "code": error.code, "file": error.file, **error.to_json()}}
    except MemoryError:
        return {"memory": "MemoryError"}
    except Exception as error:  # anything else: reported, the parent decides
        text = f"{type(error).__name__}: {error}"
        if any(word in text.lower() for word in MEMORY_WORDS):
            return {"memory": text}
        return {"failure": text}


def child_main() -> None:
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever the libraries print goes to stderr, not into the answers

    def send(message: dict[str, Any]) -> None:
        answers.write(json.dumps(message, default=str) + "\n")
        answers.flush()

    _die_with_parent()
    request = json.loads(sys.stdin.read())
    _limit_memory(int(request["memory_bytes"]))
    send(_answer(request, send))
    answers.close()
    # Straight out: the model's destructors have nothing left to do for anyone.
    os._exit(0)


def warm_child_main() -> None:
    """A warm child (vision.pool): limit, set up, say ready, then answer one job per line
    until the parent closes stdin."""
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)

    def send(message: dict[str, Any]) -> None:
        answers.write(json.dumps(message, default=str) + "\n")
        answers.flush()

    _die_with_parent()
    hello = json.loads(sys.stdin.readline())
    _limit_memory(int(hello["memory_bytes"]))
    try:
        if hello.get("setup"):
            _resolve(hello["setup"])()
    except Exception as error:  # the parent sees no "ready": it retires this child
        send({"failure": f"setup: {type(error).__name__}: {error}"})
        os._exit(1)
    send({"ready": True})
    for line in sys.stdin:
        if line.strip():
            send(_answer(json.loads(line), send))
    answers.close()
    os._exit(0)


if __name__ == "__main__":
    if "--warm" in sys.argv[1:]:
        warm_child_main()
    else:
        child_main()
