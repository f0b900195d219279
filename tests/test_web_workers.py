"""`kezhuan serve --role web --workers N`: N processes answer on one port and stop together on SIGTERM."""

from __future__ import annotations

import http.client
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _pause() -> None:
    """A tenth of a second. Not time.sleep (nor Popen.wait with a timeout, which sleeps with it): under libfaketime,
    in CI's year-ahead run, its absolute-deadline clock_nanosleep fails with EINVAL."""
    select.select([], [], [], 0.1)


def _wait(process: subprocess.Popen[bytes], timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (code := process.poll()) is None:
        assert time.monotonic() < deadline, "the server did not stop"
        _pause()
    return code


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _tcp_inodes(port: int) -> dict[str, set[int]]:
    """Sockets on 127.0.0.1:`port` by state: LISTEN, and the server side of ESTABLISHED connections."""
    found: dict[str, set[int]] = {"listen": set(), "established": set()}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, state, inode = int(fields[1].split(":")[1], 16), fields[3], int(fields[9])
        if local_port == port and state in ("0A", "01"):
            found["listen" if state == "0A" else "established"].add(inode)
    return found


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def _get(port: int, timeout: float = 5.0) -> http.client.HTTPConnection:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", "/healthz")
    response = conn.getresponse()
    assert response.status == 200
    response.read()
    return conn  # kept open: the server side stays with the worker that accepted it


def test_two_web_workers_share_one_port_answer_and_stop_together_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("KEZHUAN_")}
    env |= {
        "KEZHUAN_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/kezhuan.db",
        "KEZHUAN_HOST": "127.0.0.1",
        "KEZHUAN_PORT": str(port),
        "KEZHUAN_DATA_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--role", "web", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "serve.log").open("wb"),
    )
    connections: list[http.client.HTTPConnection] = []
    try:
        deadline = time.monotonic() + 90
        while len(_children(server.pid)) < 2 or len(_tcp_inodes(port)["listen"]) < 2:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "the two workers never both listened"
            _pause()
        workers = _children(server.pid)
        connections = [_get(port) for _ in range(24)]

        sockets = _tcp_inodes(port)
        for worker in workers:
            held = _socket_inodes(worker)
            # Each worker has its own listening socket on the port, and the kernel gave each some connections
            # (24 connections all landing on one of two sockets: one chance in 2**23).
            assert len(held & sockets["listen"]) == 1
            assert held & sockets["established"]
        assert _socket_inodes(server.pid).isdisjoint(sockets["listen"])  # the parent only supervises
    finally:
        for conn in connections:
            conn.close()
        server.send_signal(signal.SIGTERM)
        code = _wait(server, 60)
    assert code == 0, (tmp_path / "serve.log").read_text()
    for worker in workers:
        assert not Path(f"/proc/{worker}").exists()
    assert b'"web listening"' in (tmp_path / "serve.log").read_bytes()


def test_workers_are_for_the_web_role() -> None:
    result = CliRunner().invoke(main, ["serve", "--role", "relay", "--workers", "2"])
    assert result.exit_code == 2
    assert "--workers is for the web role" in result.output
