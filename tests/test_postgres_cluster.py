"""The PostgreSQL pass says plainly when it cannot run, and fails when CI requires it."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import postgres_cluster


def _no_postgres() -> Path:
    raise postgres_cluster.PostgresUnavailable("no PostgreSQL server binaries (test)")


def test_a_missing_postgres_is_skipped_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(postgres_cluster, "find_bin_dir", _no_postgres)
    monkeypatch.delenv(postgres_cluster.REQUIRE, raising=False)
    assert postgres_cluster.main(["--", "true"]) == 0
    assert "SKIPPED the PostgreSQL pass" in capsys.readouterr().err


def test_a_missing_postgres_fails_when_required(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(postgres_cluster, "find_bin_dir", _no_postgres)
    monkeypatch.setenv(postgres_cluster.REQUIRE, "1")
    assert postgres_cluster.main(["--", "true"]) == 1
    assert "FAILED" in capsys.readouterr().err


@pytest.mark.postgres
def test_the_cluster_runs_the_command_with_its_url_and_cleans_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        postgres_cluster.find_bin_dir()
    except postgres_cluster.PostgresUnavailable as missing:
        if postgres_cluster.os.environ.get(postgres_cluster.REQUIRE) == "1":
            pytest.fail(str(missing))
        pytest.skip(str(missing))
    probe = "import os, psycopg; psycopg.connect(os.environ['DATABASE_URL']).close()"
    assert postgres_cluster.main(["--", sys.executable, "-c", probe]) == 0
    url = capsys.readouterr().err.split("cluster at ", 1)[1].split()[0]
    assert url.startswith("postgres://postgres@127.0.0.1:")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass  # the server is stopped once the command has finished
