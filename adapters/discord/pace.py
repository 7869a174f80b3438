"""Discord's global rate limit, kept before a request goes rather than learned from 429s.

Discord lets a bot make 50 requests a second in all. discord.py keeps each route's bucket
from Discord's headers, but learns of the global limit only from a 429; with many messages
in flight, every request past it is answered 429, and those count toward Discord's
invalid-request limit (10,000 in 10 minutes, then a temporary ban). So the messenger spends
its requests within the same rule Discord applies: at most 50 in any one second, counted
over a second and a twentieth (requests do not reach Discord evenly spaced as they left).
The clock and the sleep are injected so tests check it without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

GLOBAL_PER_SECOND = 50
WINDOW = 1.1  # seconds: Discord's second, plus the spread of the requests' travel times


class RequestPace:
    def __init__(
        self,
        per_second: int = GLOBAL_PER_SECOND,
        held: Callable[[], Awaitable[bool]] | None = None,
        window: float = WINDOW,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second
        self.held = held
        self.window = window
        self.monotonic = monotonic
        self.sleep = sleep
        self._sent: deque[float] = deque()  # when each of the last second's requests went

    async def take(self) -> None:
        """Return when one more request stays within `per_second` in any one second (and,
        while Discord has the bot on hold after a 429, once the hold is over)."""
        while True:
            if self.held is not None and await self.held():
                # Discord refused past its limit: requests in flight will be tried again and
                # use this second, so this messenger sends nothing more in it
                now = self.monotonic()
                self._sent = deque([now] * self.per_second)
            now = self.monotonic()
            while self._sent and self._sent[0] <= now - self.window:
                self._sent.popleft()
            if len(self._sent) < self.per_second:
                self._sent.append(now)
                return
            await self.sleep(self._sent[0] + self.window - now)
