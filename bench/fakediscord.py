"""Discord's REST API for the fan-out figure: the tests' in-memory double (FakeDiscord, under
discord.py's HTTP client through its aiohttp seam) answering after a latency, and holding
the bot to Discord's global limit of 50 requests a second the way Discord does: a request
past it is answered 429 with `global: true` and a retry_after, which discord.py waits out
for every request (its global lock). Every answer carries its route's bucket in
X-RateLimit-* headers, as Discord's do, so discord.py paces each route itself: a channel's
messages 5 per 5 s, opening a DM 50 a second (Discord does not publish that one). Like
aiohttp, the session awaits its trace configs' on_request_start before a request leaves
(discord.py's `http_trace`, where the bot paces Discord's global limit)."""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections import deque
from typing import Any

import aiohttp
from multidict import CIMultiDict

from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.fake_http import _multipart, request_start

GLOBAL_PER_SECOND = 50
# (route pattern, requests per window, window seconds); a route's major parameter (the
# channel) gets a bucket of its own
BUCKETS = (
    (re.compile(r"POST /channels/(\d+)/messages"), 5, 5.0),
    (re.compile(r"POST /users/@me/channels()"), 50, 1.0),
)
DEFAULT_BUCKET = (50, 1.0)


class _Response:
    """The slice of aiohttp's response discord.py reads; decided when it is awaited."""

    def __init__(
        self, session: _Session, api: BenchDiscord, method: str, url: str, kwargs: dict[str, Any]
    ) -> None:
        self.session = session
        self.api = api
        self.method = method
        self.url = url
        self.kwargs = kwargs
        self.status = 0
        self.reason = ""
        self.headers: CIMultiDict[str] = CIMultiDict()
        self._text = ""

    async def __aenter__(self) -> _Response:
        s = self.session
        await request_start(s, s.traces, self.method, self.url, self.kwargs.get("headers"))
        await asyncio.sleep(self.api.latency / 2)  # on its way to Discord, which counts it
        path = self.url.split("/api/v10", 1)[-1]
        bucket = self.api.bucket(f"{self.method} {path}")
        wait = self.api.over_the_limit()
        self.headers["Via"] = "1.1 google"
        if wait is not None:
            self.status, body = (
                429,
                {
                    "message": "You are being rate limited.",
                    "retry_after": round(wait, 3),
                    "global": True,
                },
            )
        elif bucket.remaining <= 0:
            self.status, body = (
                429,
                {
                    "message": "You are being rate limited.",
                    "retry_after": round(bucket.reset_after(), 3),
                    "global": False,
                },
            )
            self.api.limited += 1
            self.api.route_limited += 1
        else:
            bucket.remaining -= 1
            self.headers.update(bucket.headers())
            data = self.kwargs.get("data")
            payload: Any = _multipart(data) if isinstance(data, aiohttp.FormData) else None
            if isinstance(data, str) and data:
                payload = json.loads(data)
            query = {k: str(v) for k, v in (self.kwargs.get("params") or {}).items()}
            self.status, body = self.api.record(self.method, self.url, query, payload)
        await asyncio.sleep(self.api.latency / 2)  # and the answer on its way back
        self.reason = "OK" if self.status < 300 else "Error"
        if body is not None:
            self._text = json.dumps(body)
            self.headers["Content-Type"] = "application/json"
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def text(self, encoding: str = "utf-8") -> str:
        return self._text


class _Session:
    def __init__(
        self,
        api: BenchDiscord,
        connector: aiohttp.BaseConnector | None,
        trace_configs: list[aiohttp.TraceConfig] | None = None,
    ) -> None:
        self.api = api
        self.connector = connector
        self.closed = False
        self.traces = list(trace_configs or [])
        for config in self.traces:
            config.freeze()  # as ClientSession does

    def request(self, method: str, url: str, **kwargs: Any) -> _Response:
        return _Response(self, self.api, method, url, kwargs)

    async def close(self) -> None:
        self.closed = True
        if self.connector is not None:
            await self.connector.close()


class _Bucket:
    def __init__(self, name: str, limit: int, window: float) -> None:
        self.name = name
        self.limit = limit
        self.window = window
        self.remaining = limit
        self.resets = time.monotonic() + window

    def refresh(self) -> None:
        now = time.monotonic()
        if now >= self.resets:
            self.remaining = self.limit
            self.resets = now + self.window

    def reset_after(self) -> float:
        return max(0.0, self.resets - time.monotonic())

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset-After": f"{math.ceil(self.reset_after() * 1000) / 1000:.3f}",
            "X-RateLimit-Bucket": self.name,
        }


class BenchDiscord(FakeDiscord):
    def __init__(self, latency: float = 0.1, per_second: int = GLOBAL_PER_SECOND) -> None:
        super().__init__()
        self.global_per_second = None  # the tests' limit, on a fake clock: this one keeps its own
        self.latency = latency
        self.per_second = per_second
        self.taken: deque[float] = deque()  # when each of the last second's requests was taken
        self.limited = 0  # requests answered 429
        self.route_limited = 0  # of which by a route's bucket (the rest: the global limit)
        self.requests = 0  # requests taken
        self.first = self.last = 0.0
        self._buckets: dict[str, _Bucket] = {}

    def bucket(self, route: str) -> _Bucket:
        limit, window = DEFAULT_BUCKET
        key = name = "other"
        for n, (pattern, lim, win) in enumerate(BUCKETS):
            m = pattern.fullmatch(route)
            if m:
                limit, window, name = lim, win, f"bucket{n}"
                key = f"{name}:{m.group(1)}"
                break
        if key not in self._buckets:
            self._buckets[key] = _Bucket(name, limit, window)
        b = self._buckets[key]
        b.refresh()
        return b

    def session(self, *args: Any, **kwargs: Any) -> _Session:  # type: ignore[override]
        return _Session(self, kwargs.get("connector"), kwargs.get("trace_configs"))

    def over_the_limit(self) -> float | None:
        """None when a request may be taken now; else the seconds until one may."""
        now = time.monotonic()
        while self.taken and self.taken[0] <= now - 1.0:
            self.taken.popleft()
        if len(self.taken) >= self.per_second:
            self.limited += 1
            return self.taken[0] + 1.0 - now
        self.taken.append(now)
        self.requests += 1
        self.first = self.first or now
        self.last = now
        return None
