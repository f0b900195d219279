"""Safe-mode callback throughput: our webhook in production configuration vs WeRoBot 1.13.1.

Ours: the real web app (metrics middleware, JSON logging, Redis and PostgreSQL when reachable) in
2 worker processes sharing the port. Peer: WeRoBot under gunicorn with 2 sync workers. The same
load generator drives both with pre-built safe-mode text pushes (unique MsgIds, the keyword 帮助),
then decrypts every encrypted reply with wechatpy and checks it. The last line is JSON.

    python bench/wechat_callback.py [--quick] [--requests N] [--concurrency C]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "benchtoken"
AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
APP_ID = "wxbench0000000001"
GH_ID = "gh_bench"
PG_ADMIN = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/15"


# --- the peer ------------------------------------------------------------------------------------


def werobot_app() -> Any:
    """gunicorn -w 2 'bench.wechat_callback:werobot_app()' — the same replies as ours."""
    import werobot

    from bot.wechat.listeners.help_menu import HELP_KEYWORDS
    from cards.official_account import FALLBACK_TEXT, HELP_TEXT

    robot = werobot.WeRoBot(token=TOKEN, app_id=APP_ID, encoding_aes_key=AES_KEY, SESSION_STORAGE=False)

    @robot.text  # type: ignore[untyped-decorator]
    def reply(message: Any) -> str:
        return HELP_TEXT if message.content.strip().lower() in HELP_KEYWORDS else FALLBACK_TEXT

    return robot.wsgi


# --- ours ----------------------------------------------------------------------------------------


async def serve_ours(port: int, database_url: str, redis_url: str | None) -> None:
    from aiohttp import web
    from pydantic import SecretStr

    from bot.bootstrap import build_container
    from bot.logs import configure_logging
    from bot.settings import Settings, WeChatSettings
    from bot.web import create_web_app

    configure_logging(level="INFO", json_output=True)
    settings = Settings(
        environment="bench",
        database_url=database_url,
        redis_url=redis_url,
        host="127.0.0.1",
        port=port,
        data_dir=Path(tempfile.gettempdir()) / "kz-bench",
        # Pushes are signed once before the run; a wide window keeps long runs from going stale.
        wechat=WeChatSettings(
            app_id=APP_ID,
            app_secret=SecretStr("bench-secret"),
            token=SecretStr(TOKEN),
            encoding_aes_key=SecretStr(AES_KEY),
            timestamp_window_seconds=86400.0,
        ),
    )
    container = await build_container(settings)
    runner = web.AppRunner(create_web_app(container), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, reuse_port=True, backlog=2048).start()
    await asyncio.Event().wait()


async def _prepare_backends() -> tuple[str, str | None, dict[str, Any]]:
    """PostgreSQL and Redis when they answer (production configuration), else the embedded ones."""
    from bot.settings import DEFAULT_SQLITE_URL

    info: dict[str, Any] = {}
    redis_url: str | None = None
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
        redis_url = REDIS_URL
    except Exception:
        pass
    database_url = DEFAULT_SQLITE_URL.replace("var/kezhuan.db", f"{tempfile.gettempdir()}/kz-bench/bench.db")
    try:
        from sqlalchemy import text

        from store.db import create_engine

        admin = create_engine(PG_ADMIN)
        async with admin.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            exists = (await conn.execute(text("SELECT 1 FROM pg_database WHERE datname = 'kz_bench'"))).first()
            if not exists:
                await conn.execute(text('CREATE DATABASE "kz_bench"'))
        await admin.dispose()
        database_url = PG_ADMIN.rsplit("/", 1)[0] + "/kz_bench"
    except Exception:
        pass
    from store.db import create_engine
    from store.migrate import upgrade

    engine = create_engine(database_url)
    await upgrade(engine)
    await engine.dispose()
    info["database"] = database_url.split("+", 1)[0]
    info["redis"] = redis_url is not None
    return database_url, redis_url, info


# --- load ----------------------------------------------------------------------------------------


@dataclass
class Prepared:
    raw: bytes
    openid: str
    nonce: str
    timestamp: str


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    replies: list[tuple[int, int, bytes]] = field(default_factory=list)  # (index, status, body)
    errors: int = 0
    elapsed: float = 0.0


def sign(*parts: str) -> str:
    import hashlib

    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def prepare(count: int, port: int, msg_base: int, *, close: bool = False) -> list[Prepared]:
    from wechatpy.crypto import WeChatCrypto

    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    prepared = []
    timestamp = str(int(time.time()))
    for i in range(count):
        openid, nonce = f"oBench{i % 5000:05d}", secrets.token_hex(5)
        plain = (
            f"<xml><ToUserName><![CDATA[{GH_ID}]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
            f"</FromUserName><CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[帮助]]></Content><MsgId>{msg_base + i}</MsgId></xml>"
        )
        envelope = crypto.encrypt_message(plain, nonce, timestamp)
        encrypted = envelope.split("<Encrypt><![CDATA[", 1)[1].split("]]>", 1)[0]
        query = urlencode(
            {
                "signature": sign(TOKEN, timestamp, nonce),
                "timestamp": timestamp,
                "nonce": nonce,
                "openid": openid,
                "encrypt_type": "aes",
                "msg_signature": sign(TOKEN, timestamp, nonce, encrypted),
            }
        )
        body = (
            f"<xml><ToUserName><![CDATA[{GH_ID}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        ).encode()
        connection = "Connection: close\r\n" if close else ""
        head = (
            f"POST /wechat/callback?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{connection}"
            f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        prepared.append(Prepared(head + body, openid, nonce, timestamp))
    return prepared


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, body, headers.get("connection", "").lower() == "close"


async def drive(port: int, requests: list[Prepared], concurrency: int) -> Result:
    """Keep-alive where the server allows it, a fresh connection where it closes (gunicorn sync)."""
    result = Result()
    queue = iter(range(len(requests)))

    async def worker() -> None:
        reader = writer = None
        for index in queue:
            started = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                assert reader is not None
                writer.write(requests[index].raw)
                status, body, close = await _read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                continue
            result.latencies.append(time.perf_counter() - started)
            result.replies.append((index, status, body))
            if close:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


def check(result: Result, requests: list[Prepared]) -> int:
    """Decrypts every reply with wechatpy and checks it answers the right follower with the help text."""
    from wechatpy.crypto import WeChatCrypto

    from cards.official_account import HELP_TEXT

    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    bad = 0
    for index, status, body in result.replies:
        sent = requests[index]
        try:
            envelope = _fields(body)
            plain = crypto.decrypt_message(body, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
            reply = _fields(plain)
            ok = status == 200 and reply["Content"] == HELP_TEXT and reply["ToUserName"] == sent.openid
        except Exception:
            ok = False
        bad += not ok
    return bad


def _fields(xml: bytes | str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in ET.fromstring(xml)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


# --- orchestration -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1):
                return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} never became ready")


def start_ours(port: int, database_url: str, redis_url: str | None, workers: int) -> list[subprocess.Popen[bytes]]:
    args = [sys.executable, __file__, "--serve-ours", str(port), "--database-url", database_url]
    if redis_url:
        args += ["--redis-url", redis_url]
    logs = Path(tempfile.gettempdir()) / "kz-bench"
    logs.mkdir(parents=True, exist_ok=True)
    procs = [
        subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(logs / f"ours-{n}.log").open("wb"))
        for n in range(workers)
    ]
    wait_ready(port, "/healthz")
    return procs


def start_peer(port: int, workers: int) -> list[subprocess.Popen[bytes]]:
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    proc = subprocess.Popen(
        [
            gunicorn,
            "-w",
            str(workers),
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--backlog",
            "2048",
            "bench.wechat_callback:werobot_app()",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    params = urlencode({"signature": sign(TOKEN, "1", "2"), "timestamp": "1", "nonce": "2", "echostr": "ok"})
    wait_ready(port, f"/?{params}")
    return [proc]


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def measure(name: str, port: int, count: int, concurrency: int, warmup: int, close: bool) -> dict[str, Any]:
    base = time.time_ns() // 1000  # MsgIds never repeat across runs: no dedup fast path for anyone
    warm = prepare(warmup, port, base, close=close)
    requests = prepare(count, port, base + warmup, close=close)
    await drive(port, warm, concurrency)
    result = await drive(port, requests, concurrency)
    bad = check(result, requests)
    errors = result.errors + bad + (count - len(result.replies) - result.errors)
    return {
        "name": name,
        "requests": count,
        "errors": errors,
        "rps": round(len(result.replies) / result.elapsed, 1),
        "p50_ms": round(percentile(result.latencies, 0.50), 2),
        "p99_ms": round(percentile(result.latencies, 0.99), 2),
    }


def _median(runs: list[dict[str, Any]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in ("rps", "p50_ms", "p99_ms")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a short run, under a minute")
    parser.add_argument("--requests", type=int)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--close",
        action="store_true",
        help="a new connection per request for both (gunicorn's sync workers never keep one alive)",
    )
    parser.add_argument("--rounds", type=int, help="interleaved rounds per server (medians reported)")
    parser.add_argument("--serve-ours", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--redis-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_ours:
        asyncio.run(serve_ours(args.serve_ours, args.database_url, args.redis_url))
        return
    count = args.requests or (4000 if args.quick else 20000)
    warmup = 500 if args.quick else 2000
    rounds = args.rounds or (1 if args.quick else 3)
    database_url, redis_url, backends = asyncio.run(_prepare_backends())
    ports = {"ours": free_port(), "werobot": free_port()}
    procs: list[subprocess.Popen[bytes]] = []
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "werobot": []}
    try:
        procs += start_ours(ports["ours"], database_url, redis_url, args.workers)
        procs += start_peer(ports["werobot"], args.workers)
        # Interleaved rounds, medians reported: a shared machine's noise hits both alike.
        for _ in range(rounds):
            for name, port in ports.items():
                run = asyncio.run(measure(name, port, count, args.concurrency, warmup, args.close))
                runs[name].append(run)
                sys.stderr.write(json.dumps(run, ensure_ascii=False) + "\n")
    finally:
        stop(procs)
    ours, peer = (_median(runs["ours"]), _median(runs["werobot"]))
    summary = {
        "ours_rps": ours["rps"],
        "peer_rps": peer["rps"],
        "ratio": round(ours["rps"] / peer["rps"], 2) if peer["rps"] else None,
        "ours_p99_ms": ours["p99_ms"],
        "peer_p99_ms": peer["p99_ms"],
        "ours_p50_ms": ours["p50_ms"],
        "peer_p50_ms": peer["p50_ms"],
        "errors": sum(r["errors"] for rs in runs.values() for r in rs),
        "requests_each": count * rounds,
        "rounds": rounds,
        "concurrency": args.concurrency,
        "workers_each": args.workers,
        "keep_alive": not args.close,
        "cpus": os.cpu_count(),
        **backends,
    }
    sys.stdout.write(json.dumps(summary) + "\n")
    if summary["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
