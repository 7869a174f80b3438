"""A Rapport process on Discord, offline: the real RapportClient and CommandTree, a core on a
SQLite file, and FakeDiscord under discord.py's HTTP. Interactions arrive the way the gateway
delivers them (ConnectionState's INTERACTION_CREATE parser builds a discord.Interaction and
routes it to the tree, the dynamic buttons or the open modal)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.client import DiscordConfig, RapportClient
from adapters.discord.events import MeetingEvents
from adapters.discord.messenger import DiscordMessenger, DiscordResolver
from adapters.discord.pace import GlobalPace
from adapters.discord.shards import Shards, make_client
from adapters.scheduler import Scheduler
from bot.app import App, build
from bot.config import Settings
from tests.discord_adapter.fake_discord import BASE, GUILD_ID, TOKEN, FakeDiscord
from tests.discord_adapter.fake_discord import Interaction as Seen
from tests.discord_adapter.payloads import ALICE, BOB, CAROL, PEOPLE, Person, slash
from tests.fakes import FakeClock


class Bot:
    """One process: start it, send it interactions, stop it, start another on the same file."""

    def __init__(
        self, api: FakeDiscord, db: Path | str, settings: Settings, clock: FakeClock
    ) -> None:
        self.api = api
        self.db = db
        self.settings = settings
        self.clock = clock
        self.client: RapportClient
        self.app: App
        self.scheduler: Scheduler

    async def start(
        self, guild_ids: tuple[int, ...] = (GUILD_ID,), shards: Shards | None = None
    ) -> Bot:
        config = DiscordConfig(token=TOKEN, guild_ids=guild_ids, api_url=BASE)
        # Discord's global limit is paced on the fake's own clock: nothing waits for real. A
        # process starts more than a second after the last one's requests (whose pace it
        # does not share), as a restart does
        self.api.clock.now += 1.0
        pace = GlobalPace(monotonic=self.api.clock.monotonic, sleep=self.api.clock.sleep)
        self.client = make_client(config, shards=shards, pace=pace)
        messenger = DiscordMessenger(self.client)
        self.app = await build(
            self.settings,
            messenger=messenger,
            resolver=DiscordResolver(self.client),
            clock=self.clock,
            database=str(self.db),
        )
        # the scheduler's tick is driven by hand with the fake clock, not by APScheduler
        self.scheduler = Scheduler(self.app.core, self.clock)
        events = MeetingEvents(self.client, self.app.repo, self.clock)
        self.client.serve(self.app.core, events=events)
        await self.client.login(TOKEN)  # GET /users/@me, application info, setup_hook
        return self

    async def stop(self) -> None:
        await self.client.close()
        await self.app.close()

    async def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Deliver an interaction as the gateway would and wait until the bot is done."""
        self.api.interactions.setdefault(payload["token"], Seen(payload))
        before = asyncio.all_tasks()
        self.client._connection.parsers["INTERACTION_CREATE"](payload)
        await settle(before)
        return payload

    async def type(self, by: Person, command: str, *path: str, **values: Any) -> list[str]:
        """A slash command; returns the text of what only `by` saw."""
        payload = await self.send(slash(by, command, *path, **values))
        return [text(m) for m in self.api.private_replies(payload)]

    async def tick(self) -> int:
        before = asyncio.all_tasks()
        sent = await self.scheduler.tick()
        await settle(before)
        return sent


async def settle(before: set[asyncio.Task[Any]]) -> None:
    """Wait for the tasks discord.py started for an interaction (the tree's invoker, a
    button's callback, a modal's submit); a view's idle timeout timer is not work."""
    me = asyncio.current_task()
    for _ in range(100):
        pending = [
            t
            for t in asyncio.all_tasks()
            if t not in before
            and t is not me
            and not t.done()
            and "timeout_task_impl" not in t.get_coro().__qualname__  # type: ignore[union-attr]
        ]
        if not pending:
            return
        done, _ = await asyncio.wait(pending, timeout=10)
        if not done:
            raise AssertionError(f"still running after 10 s: {pending}")
        for t in done:
            if not t.cancelled() and t.exception() is not None:
                raise t.exception()  # type: ignore[misc]
    raise AssertionError("the bot kept starting new tasks")


def text(message: dict[str, Any]) -> str:
    """A message as a person reads it: content, then the embed's title, text, fields, footer."""
    parts = [message.get("content") or ""]
    for e in message.get("embeds") or []:
        parts += [e.get("title") or "", e.get("description") or ""]
        parts += [f"{f['name']}: {f['value']}" for f in e.get("fields", [])]
        parts.append((e.get("footer") or {}).get("text", ""))
    return "\n".join(p for p in parts if p)


def buttons(message: dict[str, Any]) -> list[tuple[str, bool]]:
    """(label, disabled) of each button, in order."""
    return [
        (c["label"], bool(c.get("disabled")))
        for row in message.get("components") or []
        for c in row["components"]
    ]


@pytest.fixture
def discord_api(monkeypatch: pytest.MonkeyPatch) -> FakeDiscord:
    api = FakeDiscord()
    for p in PEOPLE:
        api.users[p.id] = p.user
    monkeypatch.setattr(aiohttp, "ClientSession", api.session)
    # the client points these process-wide settings at DISCORD_API_URL; put them back after
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    return api


@pytest.fixture
async def bot(
    discord_api: FakeDiscord, tmp_path: Path, settings: Settings, clock: FakeClock
) -> AsyncIterator[Bot]:
    b = await Bot(discord_api, tmp_path / "rapport.db", settings, clock).start()
    yield b
    await b.stop()


@pytest.fixture
async def group(bot: Bot) -> Bot:
    """Breakfast Club in #general: alice (admin, Commercial insurance), bob (Residential
    plumbing) and carol (Roofing), each set up through Discord's own commands."""
    [done] = await bot.type(ALICE, "rapport", "setup", name="Breakfast Club")
    assert "Breakfast Club is set up in this channel" in done
    for who, seat in (
        (ALICE, "Commercial insurance"),
        (BOB, "Residential plumbing"),
        (CAROL, "Roofing"),
    ):
        [welcome] = await bot.type(who, "rapport", "join", classification=seat)
        assert welcome.startswith("Welcome to Breakfast Club!")
    return bot


async def rows(bot: Bot, sql: str) -> list[dict[str, Any]]:
    """What the database holds (the repository's own connection)."""
    async with bot.app.repo.transaction() as tx:
        return [dict(r) for r in await tx._all(sql)]  # type: ignore[attr-defined]
