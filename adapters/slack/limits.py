"""Slack's rate limits, kept where they apply: per workspace and Web API method.

Slack rate-limits each method per workspace (chat.postMessage also about one post a second
per channel, which the messenger's Pacer keeps). A 429 says how long to wait (Retry-After):
that pauses the method for that workspace only, so every call of it there waits the pause
out before it goes, and the rest of Rapport (other workspaces, other methods) carries on.

The workspace a call is made for is carried in a context variable set by whoever makes the
call (the messenger, for each delivery), so the retry handler inside slack-sdk, which only
sees the HTTP request, pauses the right one.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

Sleep = Callable[[float], Awaitable[Any]]
Key = tuple[str, str]  # (workspace, Web API method)

_workspace: contextvars.ContextVar[str] = contextvars.ContextVar("slack_workspace", default="")
_own_retries: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "slack_own_retries", default=False
)


@contextmanager
def calls_for(workspace: str, *, own_retries: bool = False) -> Iterator[None]:
    """Web API calls made inside are made for `workspace` (its rate limits apply). With
    `own_retries`, a 429 pauses the method and is raised at once: the caller tries again
    after the pause, without waiting inside the call."""
    token = _workspace.set(workspace)
    retries = _own_retries.set(own_retries)
    try:
        yield
    finally:
        _own_retries.reset(retries)
        _workspace.reset(token)


def current_workspace() -> str:
    return _workspace.get()


def caller_retries() -> bool:
    return _own_retries.get()


class RateLimits:
    """When each (workspace, method) may be called again. The clock and the sleep are
    injected so tests check the pauses without waiting for them."""

    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.monotonic = monotonic
        self.sleep = sleep
        self._resume: dict[Key, float] = {}

    def pause(self, key: Key, seconds: float) -> None:
        """Slack said to wait `seconds` before calling this method in this workspace again."""
        until = self.monotonic() + max(0.0, seconds)
        if until > self._resume.get(key, 0.0):
            self._resume[key] = until

    def paused_for(self, key: Key) -> float:
        """Seconds until `key` may be called again (0 when it may be called now)."""
        until = self._resume.get(key)
        if until is None:
            return 0.0
        left = until - self.monotonic()
        if left <= 0:
            del self._resume[key]
            return 0.0
        return left

    async def wait(self, key: Key) -> None:
        """Return once `key` may be called (a pause extended meanwhile is waited out too)."""
        while (left := self.paused_for(key)) > 0:
            until = self._resume.get(key)
            await self.sleep(left)
            if self._resume.get(key) == until:
                return  # waited out; only a longer pause set meanwhile is waited for again
