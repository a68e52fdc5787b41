"""A warm analysis pool: isolated children started ahead of time, each ready for its next job.

A cold analysis (vision.isolated.run_isolated) starts a fresh interpreter for every upload and
pays for it: about 4 s for a photo, nearly all of it importing OpenCV and MediaPipe and
building the model's graphs. A warm child has done that before the job arrives.

Each child is the same as a cold one in what can go wrong: a separate process (never a fork),
its address space capped (RLIMIT_AS, set before it loads anything), killed at the job's
deadline, killed with its parent. It runs one job at a time; it is retired after `max_jobs`
jobs, and at once after any job that did not end with a result (an error, a crash, a time-out,
an out-of-memory), so no failure's after-effects reach the next job. A replacement is started
as soon as a child retires, so it warms up while the worker waits for its next task.

Protocol (JSON lines): the parent writes {"memory_bytes", "setup"}; the child limits its
memory, runs `setup` and answers {"ready": true}; then for each job the parent writes one
request line as vision.isolated does and the child answers with progress lines and one final
answer ({"result"}, {"error"}, {"memory"} or {"failure"}).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

from upperback.vision.errors import VisionError
from upperback.vision.isolated import (
    CHILD_ENV,
    EXIT_GRACE_S,
    Limits,
    Progress,
    outcome,
    read_answer,
    target_name,
)
from upperback.vision.quiet import verbose

DEFAULT_MAX_JOBS = 20
DEFAULT_LIMITS = Limits()
WARM_UP_SECONDS = 120.0


class WarmChild:
    def __init__(self, limits: Limits, setup: str | None) -> None:
        self.limits = limits
        self.jobs = 0
        self.ready = False
        self.buffer = [b""]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "upperback.vision.isolated", "--warm"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if verbose() else subprocess.DEVNULL,
            env={**os.environ, **CHILD_ENV},
        )
        self._send({"memory_bytes": limits.memory_bytes, "setup": setup})

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(message, default=str) + "\n").encode())
        self.process.stdin.flush()

    def wait_ready(self, heartbeat: Callable[[], None] | None) -> bool:
        """Whether the child finished its warm-up (False: it died or took too long)."""
        if not self.ready:
            limits = Limits(self.limits.memory_bytes, WARM_UP_SECONDS)
            try:
                answer = self._read(limits, None, heartbeat)
            except VisionError:
                return False
            self.ready = answer == {"ready": True}
        return self.ready

    def _read(
        self, limits: Limits, progress: Progress | None, heartbeat: Callable[[], None] | None
    ) -> dict[str, Any] | None:
        assert self.process.stdout is not None
        return read_answer(
            self.process, self.process.stdout, limits, progress, heartbeat, self.buffer
        )

    def run(
        self,
        request: dict[str, Any],
        progress: Progress | None,
        heartbeat: Callable[[], None] | None,
    ) -> dict[str, Any] | None:
        self.jobs += 1
        self._send(request)
        return self._read(self.limits, progress, heartbeat)

    def stop(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(OSError):  # the child's loop ends: it exits by itself
                self.process.stdin.close()
        try:
            self.process.wait(timeout=EXIT_GRACE_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class WarmPool:
    """`size` warm children for jobs run one after another (a task worker runs one at a time).

    `setup` ("module:function") runs in each child before it is ready. Thread-safe: a job
    takes a child from the pool and gives it back, or retires it and starts another.
    """

    def __init__(
        self,
        limits: Limits = DEFAULT_LIMITS,
        *,
        setup: Callable[[], None] | str | None = None,
        size: int = 1,
        max_jobs: int = DEFAULT_MAX_JOBS,
    ) -> None:
        self.limits = limits
        self.setup = None if setup is None else target_name(setup)
        self.max_jobs = max(1, max_jobs)
        self.size = max(1, size)
        self._idle: list[WarmChild] = []
        self._lock = threading.Lock()
        self.started = 0  # children started, for tests and the benchmark
        for _ in range(self.size):
            self._start()

    def _start(self) -> None:
        child = WarmChild(self.limits, self.setup)
        with self._lock:
            self.started += 1
            self._idle.append(child)

    def _take(self) -> WarmChild:
        with self._lock:
            if self._idle:
                return self._idle.pop(0)
            self.started += 1
        return WarmChild(self.limits, self.setup)

    def _give_back(self, child: WarmChild, healthy: bool) -> None:
        if healthy and child.jobs < self.max_jobs and child.process.poll() is None:
            with self._lock:
                self._idle.append(child)
            return
        child.stop()
        self._start()

    def run(
        self,
        function: Callable[..., Any] | str,
        kwargs: dict[str, Any],
        *,
        progress: Progress | None = None,
        heartbeat: Callable[[], None] | None = None,
    ) -> Any:
        """As vision.isolated.run_isolated, in a warm child: its JSON result or a VisionError."""
        request = {
            "target": target_name(function),
            "kwargs": kwargs,
            "progress": progress is not None,
        }
        child = self._take()
        healthy = False
        try:
            if not child.wait_ready(heartbeat):
                child.process.kill()
                raise VisionError("analysis_crashed")
            answer = child.run(request, progress, heartbeat)
            healthy = answer is not None and "result" in answer
        except BaseException:
            child.process.kill()
            raise
        finally:
            self._give_back(child, healthy)
        returncode = child.process.returncode if child.process.returncode is not None else 0
        return outcome(answer, returncode)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.stop()
