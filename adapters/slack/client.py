"""The Web API client: one per process, pointed at Slack (or SLACK_API_URL), retrying 429s.

slack-sdk's default retry handlers only cover connection errors. A rate-limited call pauses
its method in its workspace for the Retry-After Slack sent (RateLimits: every other call of
that method there waits too, nothing else does) and is then retried; failures that remain go
back to the outbox, which retries with its own backoff.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.limits import RateLimits, caller_retries, current_workspace

DEFAULT_API_URL = "https://slack.com/api/"
POOLED_CONNECTIONS = 256  # at once, to Slack: above the outbox's 64 in flight and the acks' calls
RATE_LIMIT_RETRIES = 2

Sleep = Callable[[float], Awaitable[Any]]


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """AsyncRateLimitErrorRetryHandler that pauses the method for the workspace the call was
    made for (see adapters.slack.limits), then waits the pause out and retries; unless the
    caller retries by itself (the messenger: it gives its delivery slot back and the outbox
    tries again once the pause is over). Its clock is injectable, so a test can check that
    the Retry-After is honoured without waiting for it."""

    def __init__(
        self,
        max_retry_count: int = RATE_LIMIT_RETRIES,
        sleep: Sleep = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        limits: RateLimits | None = None,
    ) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.limits = limits or RateLimits(sleep=sleep)
        self.jitter = jitter

    async def can_retry_async(
        self, *, state: Any, request: Any, response: Any = None, error: Any = None
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        self.limits.pause(_key(request), _retry_after(response) + self.jitter())
        if caller_retries():
            return False
        return bool(state.current_attempt < self.max_retry_count)

    async def prepare_for_next_attempt_async(
        self, *, state: Any, request: Any, response: Any = None, error: Any = None
    ) -> None:
        state.next_attempt_requested = True
        await self.limits.wait(_key(request))
        state.increment_current_attempt()


def _key(request: Any) -> tuple[str, str]:
    """(workspace, method): what a 429 pauses."""
    return current_workspace(), str(request.url).rstrip("/").rsplit("/", 1)[-1]


def _retry_after(response: Any) -> float:
    after = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), None)
    try:
        return float(after[0] if isinstance(after, list) else after) if after else 1.0
    except ValueError:
        return 1.0


class ConnectionRetry(AsyncConnectionErrorRetryHandler):
    """slack-sdk's connection-error retry (one retry, with backoff), its wait injectable."""

    def __init__(self, sleep: Sleep = asyncio.sleep) -> None:
        super().__init__()
        self.sleep = sleep

    async def prepare_for_next_attempt_async(
        self, *, state: Any, request: Any, response: Any = None, error: Any = None
    ) -> None:
        state.next_attempt_requested = True
        await self.sleep(self.interval_calculator.calculate_sleep_duration(state.current_attempt))
        state.increment_current_attempt()


def api_url(value: str | None) -> str:
    """slack-sdk joins method names onto the base URL, so it must end with a slash."""
    url = (value or DEFAULT_API_URL).strip()
    return url if url.endswith("/") else url + "/"


def web_client(
    token: str | None,
    base_url: str | None = None,
    *,
    sleep: Sleep = asyncio.sleep,
    limits: RateLimits | None = None,
    session: aiohttp.ClientSession | None = None,
) -> AsyncWebClient:
    """With `session`, every call goes through its pooled, kept-alive connections (without
    one, slack-sdk opens a session and a connection for each call: a reminder minute's
    thousands of posts would each pay for a new connection)."""
    handlers: list[AsyncRetryHandler] = [
        ConnectionRetry(sleep),
        RateLimitRetry(sleep=sleep, limits=limits),
    ]
    return AsyncWebClient(
        token=token, base_url=api_url(base_url), retry_handlers=handlers, session=session
    )


def pooled_session() -> aiohttp.ClientSession:
    """One HTTP session for the process's Web API calls (made inside the running loop; the
    bot closes it when it stops)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=POOLED_CONNECTIONS))
