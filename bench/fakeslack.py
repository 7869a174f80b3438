"""A minimal Slack Web API on 127.0.0.1 for the benchmarks: auth.test, users.info (any
`U` + 8 digits is "Member n" of the synthetic population), conversations.open and
chat.postMessage, plus response_url endpoints that say when an answer arrived.
Nothing is recorded beyond counts, so a long run does not grow.

For the fan-out figure it can also behave like Slack under load (`Limits`): answer each call
after a latency, take about one post a second per channel, and refuse a workspace that
bursts past its rate with a 429 and a Retry-After. With `workspaces` (which workspace each
channel and member is in, as each workspace's own token would tell Slack) every workspace
has its own rate."""

from __future__ import annotations

import asyncio
import itertools
import math
import re
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

TEAM = "T0BENCH"
BOT_USER = "U0RAPPORT"
_USER = re.compile(r"U(\d{8})")


@dataclass(frozen=True)
class Limits:
    """Slack's limits as the fan-out figure plays them."""

    latency: float = 0.1  # seconds before every Web API answer
    channel_interval: float = 1.0  # chat.postMessage: one post a second per channel
    workspace_rate: float = 50.0  # posts a second a workspace sustains ...
    workspace_burst: int = 100  # ... after a burst of this many


class FakeSlackApi:
    def __init__(
        self, limits: Limits | None = None, workspaces: dict[str, str] | None = None
    ) -> None:
        self.limits = limits
        self.workspaces = workspaces or {}  # channel or user id → its workspace
        self.refused: dict[str, int] = {}  # 429s, by why
        self.posted = 0
        self.last_posted = 0.0  # time.monotonic() of the last post taken
        self._channel_next: dict[str, float] = {}
        self._tokens: dict[str, float] = {}  # each workspace's bucket
        self._filled: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.answers = 0
        self._waiting: dict[str, asyncio.Future[int]] = {}
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{key}"

    def expect(self, key: str) -> asyncio.Future[int]:
        """A future set to time.perf_counter_ns() when `key`'s response_url is posted to."""
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting[key] = fut
        return fut

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    def stats(self) -> dict[str, Any]:
        return {
            "posted": self.posted,
            "last_posted": self.last_posted,
            "refused": self.refused,
            "calls": self.calls,
        }

    async def _respond(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        await request.read()
        self.answers += 1
        fut = self._waiting.pop(key, None)
        if fut is not None and not fut.done():
            fut.set_result(time.perf_counter_ns())
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls[method] = self.calls.get(method, 0) + 1
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        if method == "auth.test":
            body: dict[str, Any] = {
                "ok": True,
                "team": "Bench",
                "team_id": TEAM,
                "user": "rapport",
                "user_id": BOT_USER,
                "bot_id": "B0RAPPORT",
            }
        elif method == "users.info":
            m = _USER.fullmatch(str(args.get("user", "")))
            if m is None:
                body = {"ok": False, "error": "user_not_found"}
            else:
                n = int(m.group(1))
                name = f"Member {n}"
                body = {
                    "ok": True,
                    "user": {
                        "id": m.group(0),
                        "team_id": TEAM,
                        "name": f"member{n}",
                        "real_name": name,
                        "deleted": False,
                        "is_bot": False,
                        "is_app_user": False,
                        "tz": "Africa/Johannesburg",
                        "tz_offset": 7200,
                        "profile": {"display_name": name, "real_name": name},
                    },
                }
        elif method == "conversations.open":
            body = {"ok": True, "channel": {"id": "D" + str(args.get("users", "X"))[1:]}}
        elif method == "chat.postMessage":
            if self.limits is not None:
                await asyncio.sleep(self.limits.latency)
                wait = self._throttle(str(args.get("channel", "")))
                if wait is not None:
                    return web.json_response(
                        {"ok": False, "error": "ratelimited"},
                        status=429,
                        headers={"Retry-After": str(wait)},
                    )
                self.posted += 1
                self.last_posted = time.monotonic()
            ts = f"1700000000.{next(self._ts):06d}"
            body = {"ok": True, "channel": str(args.get("channel", "")), "ts": ts}
        else:
            body = {"ok": False, "error": "unknown_method"}
        if self.limits is not None and method != "chat.postMessage":
            await asyncio.sleep(self.limits.latency)
        return web.json_response(body)

    def _throttle(self, channel: str) -> int | None:
        """None when the post is taken; else the Retry-After (whole seconds, as Slack sends)."""
        assert self.limits is not None
        now = time.monotonic()
        lim = self.limits
        ws = self.workspaces.get(channel, TEAM)
        tokens = min(
            lim.workspace_burst,
            self._tokens.get(ws, lim.workspace_burst)
            + (now - self._filled.get(ws, now)) * lim.workspace_rate,
        )
        self._filled[ws] = now
        self._tokens[ws] = tokens
        if now < self._channel_next.get(channel, 0.0):
            self.refused["channel"] = self.refused.get("channel", 0) + 1
            return max(1, math.ceil(self._channel_next[channel] - now))
        if tokens < 1:
            self.refused["workspace"] = self.refused.get("workspace", 0) + 1
            return max(1, math.ceil((1 - tokens) / lim.workspace_rate))
        self._tokens[ws] = tokens - 1
        self._channel_next[channel] = now + lim.channel_interval * 0.9  # about one a second
        return None


class RemoteSlackApi:
    """A FakeSlackApi in a process of its own, as Slack's servers are: its work is not
    charged to the bot's CPU. `stats()` asks it what it took (time.monotonic() is one
    clock for every process on the machine)."""

    def __init__(self, limits: Limits, workspaces: dict[str, str]) -> None:
        self.limits = limits
        self.workspaces = workspaces
        self.port = 0
        self._process: Any = None

    async def start(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        mine, theirs = ctx.Pipe()
        self._process = ctx.Process(
            target=_serve, args=(self.limits, self.workspaces, theirs), daemon=True
        )
        self._process.start()
        self.port = await asyncio.get_running_loop().run_in_executor(None, mine.recv)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    async def stats(self) -> dict[str, Any]:
        import aiohttp

        url = f"http://127.0.0.1:{self.port}/stats"
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            return dict(await response.json())

    async def close(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join()


def _serve(limits: Limits, workspaces: dict[str, str], conn: Any) -> None:
    async def main() -> None:
        api = FakeSlackApi(limits, workspaces)
        await api.start()
        conn.send(api.port)
        await asyncio.Event().wait()  # until terminated

    asyncio.run(main())
