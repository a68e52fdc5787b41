"""A throw-away PostgreSQL cluster on loopback, for the suite's PostgreSQL pass.

    python tests/postgres_cluster.py -- pytest tests/web -m "not browser"

starts a fresh cluster in a temporary folder on a free port, runs the command with
DATABASE_URL pointing at it, then stops the cluster and deletes the folder. initdb refuses
to run as root, so as root the server runs as the `postgres` system user (created if
missing). Without PostgreSQL binaries the pass is skipped with a message, unless
UPPERBACK_REQUIRE_POSTGRES=1 (CI), which makes it a failure.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

REQUIRE = "UPPERBACK_REQUIRE_POSTGRES"


class PostgresUnavailable(RuntimeError):
    pass


def find_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable("no PostgreSQL server binaries (initdb) under /usr/lib/postgresql")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_user() -> str | None:
    """The user the server runs as: None for ourselves, `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
    return "postgres"


def _run(command: list[str], user: str | None) -> None:
    prefix = ["runuser", "-u", user, "--"] if user else []
    subprocess.run(prefix + command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """Yield a DATABASE_URL for a fresh cluster; stop and delete it afterwards."""
    bin_dir = find_bin_dir()
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="upperback-pg-"))
    data = root / "data"
    port = free_port()
    if user:
        shutil.chown(root, user)
    try:
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            user,
        )
        # Loopback only; fsync off because the data is thrown away; room for 50+ clients.
        options = (
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "server.log"),
                "-w",
                "start",
            ],
            user,
        )
        try:
            # The named database exists too, for callers that use it directly (bench).
            _run(
                [
                    str(bin_dir / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "upperback",
                ],
                user,
            )
            yield f"postgres://postgres@127.0.0.1:{port}/upperback"
        finally:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], user)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str]) -> int:
    command = argv[1:] if argv and argv[0] == "--" else argv
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with cluster() as url:
            print(f"postgres: throw-away cluster at {url}", file=sys.stderr)
            return subprocess.run(command, env={**os.environ, "DATABASE_URL": url}).returncode
    except subprocess.CalledProcessError as failed:
        print(
            f"postgres: FAILED to run {failed.cmd[-1] if failed.cmd else ''}: "
            f"{(failed.stderr or b'').decode(errors='replace')}",
            file=sys.stderr,
        )
        return 1
    except PostgresUnavailable as missing:
        if os.environ.get(REQUIRE) == "1":
            print(f"postgres: FAILED, {REQUIRE}=1 and {missing}", file=sys.stderr)
            return 1
        print(
            f"postgres: SKIPPED the PostgreSQL pass: {missing}. Install Debian's "
            f"`postgresql` to run it (CI sets {REQUIRE}=1 and fails instead).",
            file=sys.stderr,
        )
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
