"""`python -m upperback.web.serve --host H --port P`: the web app and its task worker together.

Starts Django's server (static files included, so no web server is needed for the demo) and
the django-tasks database worker beside it; prints the address and the demo logins once the
server answers; Ctrl-C (or SIGTERM) stops both. A worker that dies is started again (after
its abandoned uploads are recovered); the web server keeps answering meanwhile.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

SETTINGS = "upperback.web.settings"
WORKER_RESTART_PAUSE_S = 5.0


def _django(*args: str) -> list[str]:
    return [sys.executable, "-m", "django", *args, "--settings", SETTINGS]


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
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _announce(host: str, port: int) -> None:
    from upperback.web.demo_accounts import DEMO_TOTP_SECRET, demo_logins

    print(f"Upperback is running at http://{host}:{port}/", flush=True)
    for role, email, password in demo_logins():
        print(f"  demo {role}: {email} / {password}", flush=True)
    print(
        f"  demo clinician's second factor: authenticator secret {DEMO_TOTP_SECRET}"
        " (current code: python -m upperback.web.demo_accounts)",
        flush=True,
    )
    print("  task worker: running (manage.py worker)", flush=True)
    print("Press Ctrl-C to stop.", flush=True)


def _start_worker() -> subprocess.Popen[bytes]:
    """Recover the uploads a dead worker left running, then start the worker."""
    subprocess.run(_django("recover_uploads", "--verbosity", "0"), check=False)
    return subprocess.Popen(_django("worker", "--no-reload"))


def serve(host: str, port: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    server = subprocess.Popen(
        _django("runserver", f"{host}:{port}", "--noreload", "--insecure", "--skip-checks")
    )
    worker = _start_worker()
    processes = [server, worker]

    def _on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _on_term)
    try:
        if not _wait_for_port(host, port, server, timeout=60):
            print(f"the server did not start on {host}:{port}", file=sys.stderr)
            return 1
        _announce(host, port)
        while server.poll() is None:
            if processes[1].poll() is not None:  # the worker died: the site stays up
                print("the task worker stopped; starting it again", file=sys.stderr)
                processes[1] = _start_worker()
                time.sleep(WORKER_RESTART_PAUSE_S)  # a worker that cannot start: no busy loop
            time.sleep(0.5)
        return 1  # the server died on its own: stop the worker and say so
    except KeyboardInterrupt:
        print("stopping", flush=True)
        return 0
    finally:
        _stop(processes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    return serve(args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
