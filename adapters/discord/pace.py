"""Discord's global rate limit, kept as each request leaves instead of learned from 429s.

Discord lets a bot token make 50 requests a second in all, beside each route's own bucket.
discord.py keeps the route buckets from Discord's headers, but learns of the global limit
only when a request is answered 429 `global`: with many messages in flight, most requests
past the 50th of a second are answered 429, and every 429 counts toward Discord's
invalid-request limit (10,000 in 10 minutes, then Cloudflare bans the bot's IP for a while).
So the client spends its requests at the platform's own number: at most 50 in any one
second, and all 50 of them when there is work, so delivery is never slower than Discord
allows. It is not a second limit on top of discord.py's: discord.py keeps no global pace
of its own before a 429, and its route buckets and its handling of a 429 stay as they are.

The pace sits where discord.py's HTTP client hands a request to aiohttp (an aiohttp trace
callback, discord.py's `http_trace`): after the route's bucket let the request go and just
before it leaves, once for each attempt (a retry after a 5xx is a request too). Interaction
responses and webhooks are not counted: Discord does not hold them to the global limit, and
the answer to a click must not wait behind a reminder minute's posts.

A pace belongs to a client, and a Rapport process has one: with shards, discord.py's
AutoShardedClient runs them all on that client and its one HTTP client, so every shard's
requests share the token's 50. The clock and the sleep are injected, so tests pace on a
fake clock without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import aiohttp
from discord.http import Route

GLOBAL_PER_SECOND = 50  # Discord's documented global limit for a bot token
WINDOW = 1.0  # seconds: Discord's own second, nothing added
EXEMPT = ("/interactions/", "/webhooks/")  # not bound to the global limit (Discord's docs)


class GlobalPace:
    """At most `per_second` requests in any window of one second, in the order they came."""

    def __init__(
        self,
        per_second: int = GLOBAL_PER_SECOND,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        self.monotonic = monotonic
        self.sleep = sleep
        self._sent: deque[float] = deque()  # when each of the last second's requests left
        self._turn = asyncio.Lock()  # one request at a time takes its moment: first come first

    async def take(self) -> None:
        """Return when one more request keeps within `per_second` in any one second."""
        async with self._turn:
            while True:
                now = self.monotonic()
                while self._sent and self._sent[0] <= now - WINDOW:
                    self._sent.popleft()
                if len(self._sent) < self.per_second:
                    self._sent.append(now)
                    return
                await self.sleep(self._sent[0] + WINDOW - now)

    def trace(self) -> aiohttp.TraceConfig:
        """The aiohttp trace that holds each of the bot's REST requests to the pace."""
        config = aiohttp.TraceConfig()
        config.on_request_start.append(self._on_request_start)
        return config

    async def _on_request_start(
        self,
        _session: aiohttp.ClientSession,
        _ctx: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        if counts(str(params.url)):
            await self.take()


def counts(url: str) -> bool:
    """A request Discord counts toward the bot's global limit: its REST API, but not an
    interaction's callback or webhook (nor the gateway or the CDN)."""
    base = Route.BASE
    if not url.startswith(base + "/"):
        return False
    path = url[len(base) :]
    return not path.startswith(EXEMPT)
