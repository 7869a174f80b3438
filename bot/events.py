"""What the core tells adapters happened, as typed events, so none re-reads the repository on a
message's kind string. A handler emits an event on its unit of work; the core publishes it once
the transaction committed (a refusal or a crash publishes nothing)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.model import ChannelRef

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeetingChanged:
    """The group's next meeting may have moved: its time was set, a date skipped, or a meeting
    just held (so the next one is a week on)."""

    group_id: int
    channel: ChannelRef


Event = MeetingChanged  # a union as more kinds come
E = TypeVar("E", bound=Event)
Listener = Callable[[Any], Awaitable[None]]


class Events:
    """Listeners by event type. Each published event runs its listeners in a task of its own:
    an adapter's reaction (a call to the platform) never holds up the author's answer, and a
    listener that fails is logged, not raised into the core."""

    def __init__(self) -> None:
        self._listeners: dict[type, list[Listener]] = {}
        self._running: set[asyncio.Task[None]] = set()

    def subscribe(self, kind: type[E], listener: Callable[[E], Awaitable[None]]) -> None:
        self._listeners.setdefault(kind, []).append(listener)

    def publish(self, events: list[Event]) -> None:
        for event in events:
            for listener in self._listeners.get(type(event), ()):
                task = asyncio.get_running_loop().create_task(_run(listener, event))
                self._running.add(task)
                task.add_done_callback(self._running.discard)

    async def settle(self) -> None:
        """Wait until the listeners of what was published so far are done."""
        while self._running:
            await asyncio.wait(set(self._running))


async def _run(listener: Listener, event: Event) -> None:
    try:
        await listener(event)
    except Exception:
        log.exception("a listener of %s failed", type(event).__name__)
