"""In-process companion of bench/wechat_callback.py: where a push's CPU goes between ours and the bare handler.

The production application (`create_web_app` under `WebRunner`, on the bench's PostgreSQL and Redis) and the bare
handler on the `cryptography` primitives are fed the same signed safe-mode pushes through aiohttp's own protocol
object on a fake transport: HTTP parsing, routing, the handler and the response writing, no sockets. Slices of
`--slice` pushes alternate between the two, so a shared machine's load hits both alike; the ratio of each pair of
slices' CPU time (process_time) is reported, median and quartiles. `--profile ours|bare` prints cProfile's top
functions instead. Sockets excluded, the ratio is larger than wrk's. Run pinned: `taskset -c 0 python …`.

    python bench/wechat_callback_inproc.py [--quick] [--slices N] [--slice N] [--profile ours|bare]

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class FakeTransport(asyncio.Transport):
    """Keeps what the server writes; completes `waiter` once a whole response (by Content-Length) is in."""

    def __init__(self) -> None:
        super().__init__()
        self.buf = bytearray()
        self.waiter: asyncio.Future[None] | None = None

    def write(self, data: Any) -> None:
        self.buf += data
        self._check()

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.buf += chunk
        self._check()

    def _check(self) -> None:
        if self.waiter is None or self.waiter.done() or b"\r\n\r\n" not in self.buf:
            return
        head, _, body = bytes(self.buf).partition(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:") and len(body) >= int(line.split(b":")[1]):
                self.waiter.set_result(None)

    def is_closing(self) -> bool:
        return False

    def close(self) -> None:
        pass

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 8080) if name in ("peername", "sockname") else default

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def pushes(count: int) -> list[bytes]:
    from bench.wechat_callback import generate

    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "requests"
        generate(path, count, 0, 8080, time.time_ns() // 1000, close=False)
        data, out, at = path.read_bytes(), [], 0
    while at < len(data):
        end = data.index(b"\n", at)
        length = int(data[at:end])
        out.append(data[end + 1 : end + 1 + length])
        at = end + 1 + length
    return out


async def drive(runner: Any, requests: list[bytes], connections: int = 8) -> float:
    """CPU µs per push: `connections` keep-alive connections, one push each at a time."""
    loop = asyncio.get_running_loop()
    pairs = []
    for _ in range(connections):
        transport, protocol = FakeTransport(), runner.server()
        protocol.connection_made(transport)
        pairs.append((protocol, transport))
    started, at = time.process_time(), 0
    while at < len(requests):
        waiting = []
        for protocol, transport in pairs[: len(requests) - at]:
            transport.buf.clear()
            transport.waiter = loop.create_future()
            protocol.data_received(requests[at])
            waiting.append(transport)
            at += 1
        for transport in waiting:
            assert transport.waiter is not None
            await transport.waiter
            if not transport.buf.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(bytes(transport.buf[:300]))
    spent = time.process_time() - started
    for protocol, _ in pairs:
        protocol.connection_lost(None)
    return spent / len(requests) * 1e6


async def main(args: argparse.Namespace) -> dict[str, Any]:
    from aiohttp import web

    from bench import wechat_callback as wb
    from bot.bootstrap import build_container
    from bot.front_door import WebRunner
    from bot.settings import Settings
    from bot.web import create_web_app

    data = tempfile.mkdtemp(prefix="kz-wxinproc-")
    os.environ.update(
        {
            "KEZHUAN_ENVIRONMENT": "bench",
            "KEZHUAN_DATABASE_URL": f"{wb.PG_HOST}/{wb.BENCH_DB}",
            "KEZHUAN_REDIS_URL": wb.REDIS_URL,
            "KEZHUAN_LOG_JSON": "true",
            "KEZHUAN_DATA_DIR": data,
            "KEZHUAN_WECHAT__APP_ID": wb.APP_ID,
            "KEZHUAN_WECHAT__APP_SECRET": "bench-secret",
            "KEZHUAN_WECHAT__TOKEN": wb.TOKEN,
            "KEZHUAN_WECHAT__ENCODING_AES_KEY": wb.AES_KEY,
        }
    )
    container = await build_container(Settings())
    ours = WebRunner(create_web_app(container), access_log=None)
    bare = web.AppRunner(wb.bare_app("primitives"), access_log=None)
    try:
        for runner in (ours, bare):
            await runner.setup()
            await drive(runner, pushes(500))  # warm-up
        if args.profile:
            requests = pushes(args.slice * 10)
            profile = cProfile.Profile()
            profile.enable()
            await drive(ours if args.profile == "ours" else bare, requests)
            profile.disable()
            pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(40)
            return {"profiled": args.profile, "pushes": len(requests)}
        cpu: dict[str, list[float]] = {"ours": [], "bare": []}
        for _ in range(args.slices):
            for name, runner in (("ours", ours), ("bare", bare)):
                cpu[name].append(await drive(runner, pushes(args.slice)))
        ratios = sorted(o / b for o, b in zip(cpu["ours"], cpu["bare"], strict=True))
        return {
            "cpu_us_per_push": {name: round(statistics.median(v), 1) for name, v in cpu.items()},
            "ours_vs_bare": {
                "median": round(statistics.median(ratios), 3),
                "q1": round(ratios[len(ratios) // 4], 3),
                "q3": round(ratios[3 * len(ratios) // 4], 3),
            },
            "slices": args.slices,
            "slice": args.slice,
            "load_average": round(os.getloadavg()[0], 2),
        }
    finally:
        await ours.cleanup()
        await bare.cleanup()
        await container.aclose()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="10 slices, under a minute")
    parser.add_argument("--slices", type=int, help="pairs of slices (default 40, --quick 10)")
    parser.add_argument("--slice", type=int, default=400, help="pushes per slice")
    parser.add_argument("--profile", choices=("ours", "bare"))
    arguments = parser.parse_args()
    arguments.slices = arguments.slices or (10 if arguments.quick else 40)
    from bench.wechat_callback import prepare_database
    from bot.service import event_loop_factory

    prepare_database()
    with asyncio.Runner(loop_factory=event_loop_factory()) as loop_runner:
        result = loop_runner.run(main(arguments))
    sys.stdout.write(json.dumps(result) + "\n")
