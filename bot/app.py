"""The composition root: settings in, a running Core out. Nothing is built at import time."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.metrics import NO_METRICS, Metrics
from bot.ports import Clock, MentionResolver, Messenger
from bot.service import Core
from bot.stores import Repository


@dataclass
class App:
    core: Core
    repo: Repository

    async def close(self) -> None:
        await self.core.drain()
        await self.repo.close()


async def build(
    settings: Settings,
    *,
    messenger: Messenger,
    resolver: MentionResolver,
    clock: Clock,
    database: str | None = None,
    metrics: Metrics = NO_METRICS,
) -> App:
    """Open storage (migrating it) and wire the core to the adapter's ports; `metrics` is
    the adapter's (Prometheus, for the long-running modes)."""
    from storage.databases import open_repository  # the only place the core meets storage

    repo = await open_repository(database or settings.database)
    return App(Core(repo, messenger, clock, resolver, settings, metrics), repo)


async def migrate(settings: Settings, database: str | None = None) -> int:
    """`rapport migrate`: bring the database's schema up to this version's, and stop.
    Returns the schema version it is at."""
    from storage.databases import open_repository

    repo = await open_repository(database or settings.database)  # opening migrates
    try:
        version: int = await repo.migrate()
        return version
    finally:
        await repo.close()
