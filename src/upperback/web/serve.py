"""`python -m upperback.web.serve --host H --port P`: the web app and its task worker together.

Serves with gunicorn (several worker processes, threads in each; static files by WhiteNoise),
DEBUG off, and runs the django-tasks database worker beside it as its own supervised process:
a worker that dies is started again (its abandoned uploads recovered first) after a pause that
doubles each time (up to a minute), and never takes the web server down with it. Prints the
address and the demo logins once the server answers; Ctrl-C (or SIGTERM) stops both.

This is `make run`'s server, for one machine: it sets UPPERBACK_LOCAL=1 (plain HTTP on
loopback, a secret key kept in the data folder) unless the environment says otherwise. A
deployment runs gunicorn and `manage.py worker` itself (README, "Deployment").
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

SETTINGS = "upperback.web.settings"
# Backends that put each email (reset links, appointments) where the server runs, not in a
# mailbox: fine on one's own machine, never in production unless asked for.
CONSOLE_EMAIL_BACKENDS = frozenset(
    {"django.core.mail.backends.console.EmailBackend", "upperback.web.mail.PrivateConsoleBackend"}
)
DEFAULT_EMAIL_BACKEND = "upperback.web.mail.PrivateConsoleBackend"
WORKER_BACKOFF_FIRST = 1.0
WORKER_BACKOFF_MAX = 60.0
# A worker that ran this long before dying starts again after the first pause, not a longer one.
WORKER_HEALTHY_AFTER = 60.0


def _django(*args: str) -> list[str]:
    return [sys.executable, "-m", "django", *args, "--settings", SETTINGS]


def _gunicorn(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "upperback.web.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--graceful-timeout",
        "10",
        "--log-level",
        "warning",
    ]


def _wait_for_port(host: str, port: int, server: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Supervised:
    """A process started again, after a growing pause, each time it ends."""

    command: list[str]
    name: str
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    pause: float = WORKER_BACKOFF_FIRST
    restart_at: float | None = None
    restarts: int = 0
    log: list[str] = field(default_factory=list)

    # Run to completion before each start (the uploads a dead worker left running, recovered).
    before: list[str] | None = None

    def start(self) -> None:
        if self.before is not None:
            subprocess.run(self.before, check=False)
        self.process = subprocess.Popen(self.command)
        self.started_at = time.monotonic()
        self.restart_at = None

    def check(self, now: float) -> None:
        """Call often: notices an end, and starts the process again when its pause is over."""
        if self.process is not None and self.process.poll() is not None:
            code = self.process.returncode
            self.process = None
            if now - self.started_at >= WORKER_HEALTHY_AFTER:
                self.pause = WORKER_BACKOFF_FIRST
            self.restart_at = now + self.pause
            message = f"{self.name} stopped (exit {code}); starting it again in {self.pause:.0f} s"
            print(message, file=sys.stderr, flush=True)
            self.log.append(message)
            self.pause = min(self.pause * 2, WORKER_BACKOFF_MAX)
        if self.process is None and self.restart_at is not None and now >= self.restart_at:
            self.restarts += 1
            self.start()

    def running(self) -> list[subprocess.Popen[bytes]]:
        return [self.process] if self.process is not None else []


def task_workers_for_queues() -> list[Supervised]:
    """One supervised worker per queue, most urgent first (upperback.web.queues): bulk email
    and analyses never hold up a booking's confirmation. The analysis worker recovers the
    uploads a dead worker left running before each start."""
    from upperback.web.queues import ANALYSIS, BY_PRIORITY, WORKERS

    return [
        Supervised(
            _django("worker", "--no-reload", "--queue-name", WORKERS[queue]),
            name=f"task worker ({queue})",
            before=_django("recover_uploads", "--verbosity", "0") if queue == ANALYSIS else None,
        )
        for queue in BY_PRIORITY
    ]


def _announce(host: str, port: int, workers: int) -> None:
    from upperback.web.demo_accounts import DEMO_TOTP_SECRET, demo_logins

    print(f"Upperback is running at http://{host}:{port}/", flush=True)
    for role, email, password in demo_logins():
        print(f"  demo {role}: {email} / {password}", flush=True)
    print(
        f"  demo clinician's second factor: authenticator secret {DEMO_TOTP_SECRET}"
        " (current code: python -m upperback.web.demo_accounts)",
        flush=True,
    )
    print(f"  web server: gunicorn, {workers} worker processes", flush=True)
    print(
        "  task workers: one per queue (urgent, analysis, bulk: manage.py worker"
        " --queue-name), each restarted if it stops",
        flush=True,
    )
    print("Press Ctrl-C to stop.", flush=True)


def _fresh_metrics_dir() -> Path:
    """gunicorn's worker processes each write their metrics here (prometheus_client's
    multiprocess mode, ops.metrics); emptied at each start, as the client asks."""
    default = Path(__file__).resolve().parents[3] / "var"
    folder = Path(os.environ.get("UPPERBACK_DATA_DIR", str(default))) / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, mode=0o700)
    return folder


def _on(environ: dict[str, str] | os._Environ[str], name: str) -> bool:
    return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def email_problem(environ: dict[str, str] | os._Environ[str]) -> str:
    """Why a production start must not go ahead with this email backend ("" if it may)."""
    if _on(environ, "UPPERBACK_LOCAL") or _on(environ, "UPPERBACK_DEBUG"):
        return ""
    backend = environ.get("UPPERBACK_EMAIL_BACKEND", DEFAULT_EMAIL_BACKEND)
    if backend in CONSOLE_EMAIL_BACKENDS and not _on(environ, "UPPERBACK_ALLOW_CONSOLE_EMAIL"):
        return (
            f"refusing to start: UPPERBACK_EMAIL_BACKEND is {backend}, which sends no email"
            " (reset links and appointments would stay on this server). Set"
            " UPPERBACK_EMAIL_BACKEND to an SMTP backend (README, Deployment), or"
            " UPPERBACK_ALLOW_CONSOLE_EMAIL=1 if you mean it."
        )
    return ""


def serve(host: str, port: int, workers: int = 2, threads: int = 4) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    os.environ.setdefault("UPPERBACK_LOCAL", "1")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_fresh_metrics_dir())

    problem = email_problem(os.environ)
    if problem:
        print(problem, file=sys.stderr, flush=True)
        return 2
    # Files the servers make (database, uploads, mail) are the owner's only.
    os.umask(0o077)
    server = subprocess.Popen(_gunicorn(host, port, workers, threads))
    task_workers = task_workers_for_queues()
    for worker in task_workers:
        worker.start()

    def _on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _on_term)
    try:
        if not _wait_for_port(host, port, server, timeout=60):
            print(f"the server did not start on {host}:{port}", file=sys.stderr)
            return 1
        _announce(host, port, workers)
        while server.poll() is None:
            for worker in task_workers:
                worker.check(time.monotonic())
            time.sleep(0.5)
        print(f"the web server stopped (exit {server.returncode})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopping", flush=True)
        return 0
    finally:
        _stop([server, *(p for worker in task_workers for p in worker.running())])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads in each worker")
    args = parser.parse_args(argv)
    return serve(args.host, args.port, args.workers, args.threads)


if __name__ == "__main__":
    sys.exit(main())
