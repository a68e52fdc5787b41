"""`upperback.web.serve`: gunicorn with several worker processes, and a task worker that is
started again, after a growing pause, whenever it stops."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from upperback.web import serve


def _exits() -> serve.Supervised:
    return serve.Supervised([sys.executable, "-c", "pass"], name="test worker")


def _wait_until_ended(worker: serve.Supervised) -> None:
    assert worker.process is not None
    worker.process.wait(timeout=30)


def test_the_web_server_is_gunicorn_with_several_threaded_workers() -> None:
    command = serve._gunicorn("127.0.0.1", 8123, workers=3, threads=4)
    assert command[1:4] == ["-m", "gunicorn", "upperback.web.wsgi:application"]
    assert command[command.index("--bind") + 1] == "127.0.0.1:8123"
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--worker-class") + 1] == "gthread"


def test_a_stopped_worker_starts_again_after_a_pause_that_doubles() -> None:
    worker = _exits()
    worker.start()
    pauses = []
    for _ in range(3):
        _wait_until_ended(worker)
        now = time.monotonic()
        worker.check(now)
        assert worker.process is None
        assert worker.restart_at is not None
        pauses.append(worker.restart_at - now)
        worker.check(now + 0.1)  # too early: still waiting
        assert worker.process is None
        worker.check(worker.restart_at)
        assert worker.process is not None
    assert pauses == [1.0, 2.0, 4.0]
    assert worker.restarts == 3
    assert "test worker stopped (exit 0)" in worker.log[0]
    _wait_until_ended(worker)


def test_the_pause_stops_growing_at_its_limit() -> None:
    worker = _exits()
    worker.pause = serve.WORKER_BACKOFF_MAX
    worker.start()
    _wait_until_ended(worker)
    now = time.monotonic()
    worker.check(now)
    assert worker.restart_at == now + serve.WORKER_BACKOFF_MAX
    assert worker.pause == serve.WORKER_BACKOFF_MAX


def test_a_worker_that_ran_long_enough_starts_again_after_the_first_pause() -> None:
    worker = _exits()
    worker.pause = 32.0
    worker.start()
    _wait_until_ended(worker)
    later = worker.started_at + serve.WORKER_HEALTHY_AFTER + 1
    worker.check(later)
    assert worker.restart_at == later + serve.WORKER_BACKOFF_FIRST


def test_the_abandoned_uploads_are_recovered_before_every_start(tmp_path: Path) -> None:
    marker = tmp_path / "recovered"
    note = f"open({str(marker)!r}, 'a').write('x')"
    worker = serve.Supervised(
        [sys.executable, "-c", "pass"], name="test worker", before=[sys.executable, "-c", note]
    )
    worker.start()
    _wait_until_ended(worker)
    worker.check(time.monotonic())
    assert worker.restart_at is not None
    worker.check(worker.restart_at)
    _wait_until_ended(worker)
    assert marker.read_text() == "xx"  # once before the first start, once before the restart


def test_make_run_starts_one_worker_per_queue_most_urgent_first() -> None:
    workers = serve.task_workers_for_queues()
    queues = [w.command[w.command.index("--queue-name") + 1] for w in workers]
    assert queues == ["urgent,default", "analysis", "bulk"]
    recovering = [w.name for w in workers if w.before is not None]
    assert recovering == ["task worker (analysis)"]
