"""`upperback.web.serve`: a task worker that dies is started again (its abandoned uploads
recovered first), and the web server keeps running; the server's death stops everything."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import Any

import pytest

from upperback.web import serve


class FakeProcess:
    def __init__(self, args: list[str], lives: int) -> None:
        self.args, self.lives, self.stopped = args, lives, False

    def poll(self) -> int | None:
        self.lives -= 1
        return None if self.lives > 0 and not self.stopped else 1

    def terminate(self) -> None:
        self.stopped = True

    def wait(self, timeout: float | None = None) -> int:
        return 1

    def kill(self) -> None:
        self.stopped = True


@pytest.fixture
def keep_sigterm() -> Iterator[None]:
    handler = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, handler)


def test_a_dead_worker_is_recovered_and_restarted_while_the_server_runs(
    monkeypatch: pytest.MonkeyPatch, keep_sigterm: None
) -> None:
    started: list[FakeProcess] = []
    ran: list[list[str]] = []

    def popen(args: list[str], **kwargs: Any) -> FakeProcess:
        lives = 8 if "runserver" in args else 2  # each worker dies after one look
        started.append(FakeProcess(args, lives))
        return started[-1]

    monkeypatch.setattr(serve.subprocess, "Popen", popen)
    monkeypatch.setattr(serve.subprocess, "run", lambda args, **kw: ran.append(args))
    monkeypatch.setattr(serve, "_wait_for_port", lambda *a, **kw: True)
    monkeypatch.setattr(serve, "_announce", lambda host, port: None)
    monkeypatch.setattr(serve.time, "sleep", lambda seconds: None)
    assert serve.serve("127.0.0.1", 8000) == 1  # the server died at last: say so
    workers = [p for p in started if "worker" in p.args]
    assert len(workers) >= 3  # the first, then restarts while the server lived
    assert len(ran) == len(workers) and all("recover_uploads" in args for args in ran)
    server = next(p for p in started if "runserver" in p.args)
    assert server.lives <= 0  # it ran until it died on its own, never stopped for a worker
