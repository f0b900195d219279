"""Cross-instance coordination over the redis API: locks, rate buckets, daily counters,
shared access tokens, leases and once-only keys.

The same code runs on a real Redis and, with no KEZHUAN_REDIS_URL, on an in-process
fakeredis server that serves a single process.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.lock import Lock

# Generic cell rate algorithm: one key per bucket holding the theoretical arrival time (ms).
# Returns 0 when the call may go now, else how many ms to wait. Time comes from our clock.
_GCRA = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - burst
if allow_at > now then return allow_at - now end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(new_tat - now) + 1000)
return 0
"""

# The relay's admission of one message: the rate bucket first (nothing is counted while the caller
# only has to wait), then the daily counter. Returns {1, "0"} to go, {0, wait_ms} to wait, {2, "0"}
# when the day's cap is spent. Numbers travel as strings: Redis truncates Lua floats.
_ADMIT = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local cap = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if tat < now then tat = now end
local new_tat = tat + interval
if new_tat - burst > now then return {0, tostring(new_tat - burst - now)} end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used >= cap then return {2, '0'} end
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]))
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(new_tat - now) + 1000)
return {1, '0'}
"""

# Rolling windows over sorted sets of send times (ms): ARGV = now, member, then triples (key index, window ms,
# cap). Counts one use in every key when each window still has room, else counts nothing and returns the ms
# until the fullest window has room again. An entry at t counts while t > now - window, as the provider counts.
_SLIDING = """
local now = tonumber(ARGV[1])
local wait = 0
local longest = {}
for i = 3, #ARGV, 3 do
  local key = KEYS[tonumber(ARGV[i])]
  local window = tonumber(ARGV[i + 1])
  local cap = tonumber(ARGV[i + 2])
  if window > (longest[key] or 0) then longest[key] = window end
  local since = '(' .. tostring(now - window)
  local count = redis.call('ZCOUNT', key, since, '+inf')
  if count >= cap then
    local first = redis.call('ZRANGEBYSCORE', key, since, '+inf', 'WITHSCORES', 'LIMIT', count - cap, 1)
    local leaves = tonumber(first[2]) + window - now
    if leaves > wait then wait = leaves end
  end
end
if wait > 0 then return tostring(wait) end
for key, window in pairs(longest) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', tostring(now - window))
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, math.ceil(window) + 60000)
end
return '0'
"""

# Delete a key only while it still holds the value the caller saw.
_DELETE_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# Extend a lease only for its current holder.
_RENEW_IF = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


# A Redis that does not answer fails the call after these seconds (the caller is asked to retry: 503, no ack)
# instead of holding it for the operating system's TCP timeouts. No command of ours blocks on the server.
REDIS_CONNECT_TIMEOUT_SECONDS = 3.0
REDIS_SOCKET_TIMEOUT_SECONDS = 5.0


def connect(url: str | None) -> Redis:
    if url:
        return Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
            socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
        )
    import fakeredis  # only for the single-process, no-Redis configuration

    return fakeredis.FakeAsyncRedis(decode_responses=True)


class Coordination:
    def __init__(self, redis: Redis, *, namespace: str = "kz") -> None:
        self.redis = redis
        self.namespace = namespace
        self._gcra = redis.register_script(_GCRA)
        self._admit = redis.register_script(_ADMIT)
        self._sliding = redis.register_script(_SLIDING)
        self._delete_if = redis.register_script(_DELETE_IF)
        self._renew_if = redis.register_script(_RENEW_IF)

    def key(self, *parts: str | int) -> str:
        return ":".join([self.namespace, *(str(p) for p in parts)])

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    def lock(self, name: str, *, timeout: float = 30.0, blocking_timeout: float = 10.0) -> Lock:
        return self.redis.lock(self.key("lock", name), timeout=timeout, blocking_timeout=blocking_timeout)

    async def rate_wait(self, bucket: str, *, per_second: float, now: datetime, burst: float = 1.0) -> float:
        """Take one token from the bucket; 0.0 means go, otherwise seconds to wait and try again."""
        interval_ms = 1000.0 / per_second
        burst_ms = interval_ms * max(burst, 1.0)
        now_ms = now.timestamp() * 1000.0
        waited = await self._gcra(
            keys=[self.key("rate", bucket)], args=[repr(now_ms), repr(interval_ms), repr(burst_ms)]
        )
        return float(waited) / 1000.0

    async def admit(
        self,
        *,
        bucket: str,
        per_second: float,
        counter: str,
        period: str,
        cap: int,
        now: datetime,
        ttl_seconds: int = 2 * 86400,
    ) -> float | None:
        """One round trip for a rate bucket and a daily counter together.

        Returns 0.0 to go (one use counted), seconds to wait (nothing counted), or None when the cap
        for `period` is spent.
        """
        interval_ms = 1000.0 / per_second
        code, value = await self._admit(
            keys=[self.key("rate", bucket), self.key("count", counter, period)],
            args=[repr(now.timestamp() * 1000.0), repr(interval_ms), repr(interval_ms), cap, ttl_seconds],
        )
        if int(code) == 2:
            return None
        return 0.0 if int(code) == 1 else float(value) / 1000.0

    async def take_within(self, windows: Sequence[tuple[str, float, int]], *, now: datetime) -> float:
        """Count one use under every (name, window seconds, cap) when each rolling window has room: 0.0.

        Otherwise nothing is counted and the answer is the seconds until every window has room again. One
        atomic script, so concurrent callers on any instance never overshoot a cap.
        """
        names = sorted({name for name, _, _ in windows})
        args: list[str] = [repr(now.timestamp() * 1000.0), f"{now.timestamp():.6f}:{uuid.uuid4().hex}"]
        for name, seconds, cap in windows:
            args += [str(names.index(name) + 1), repr(seconds * 1000.0), str(cap)]
        waited = await self._sliding(keys=[self.key("window", name) for name in names], args=args)
        return float(waited) / 1000.0

    async def count_within(self, name: str, *, period: str, cap: int, ttl_seconds: int = 2 * 86400) -> bool:
        """Count one use in `period` (e.g. a business date); False once the cap is exceeded."""
        key = self.key("count", name, period)
        pipe = self.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, ttl_seconds)
        used, _ = await pipe.execute()
        if int(used) > cap:
            await self.redis.decr(key)
            return False
        return True

    async def count_used(self, name: str, *, period: str) -> int:
        return int(await self.redis.get(self.key("count", name, period)) or 0)

    async def shared_token(
        self, name: str, fetch: Callable[[], Awaitable[tuple[str, float]]], *, margin_seconds: float = 300.0
    ) -> str:
        """An access token shared by every instance, fetched by one writer behind a lock.

        `fetch` returns (token, expires_in seconds); the cached copy lapses `margin_seconds` early.
        """
        key = self.key("token", name)
        token = await self.redis.get(key)
        if token:
            return str(token)
        async with self.lock(f"token:{name}", timeout=30.0, blocking_timeout=30.0):
            token = await self.redis.get(key)
            if token:
                return str(token)
            value, expires_in = await fetch()
            ttl = max(1, math.floor(expires_in - margin_seconds))
            await self.redis.set(key, value, ex=ttl)
            return value

    async def invalidate_token(self, name: str, stale: str) -> None:
        """Drop the shared token if it is still the one the platform rejected."""
        await self._delete_if(keys=[self.key("token", name)], args=[stale])

    async def acquire_lease(self, name: str, holder: str, *, ttl_seconds: float) -> bool:
        return bool(await self.redis.set(self.key("lease", name), holder, nx=True, px=int(ttl_seconds * 1000)))

    async def renew_lease(self, name: str, holder: str, *, ttl_seconds: float) -> bool:
        return bool(await self._renew_if(keys=[self.key("lease", name)], args=[holder, int(ttl_seconds * 1000)]))

    async def release_lease(self, name: str, holder: str) -> None:
        await self._delete_if(keys=[self.key("lease", name)], args=[holder])

    async def once(self, name: str, *, ttl_seconds: float) -> bool:
        """True the first time `name` is seen within the ttl (a short-lived key)."""
        return bool(await self.redis.set(self.key("once", name), "1", nx=True, px=int(ttl_seconds * 1000)))

    async def put(self, name: str, value: str, *, ttl_seconds: float) -> None:
        await self.redis.set(self.key("kv", name), value, px=int(ttl_seconds * 1000))

    async def get(self, name: str) -> str | None:
        value: Any = await self.redis.get(self.key("kv", name))
        return None if value is None else str(value)

    async def close(self) -> None:
        await self.redis.aclose()
