"""The presenter and education slots of each meeting date (bot/features/presenters)."""

from __future__ import annotations

import sqlite3

from bot.features.presenters.store import Slot
from storage.sqlite.base import Store

_COLUMNS = "id, group_id, slot, day, member_id, topic, swap_to"


def _slot(r: sqlite3.Row) -> Slot:
    return Slot(*tuple(r)[:7])


class SqliteSlots(Store):
    async def get(self, group_id: int, slot: str, day: str) -> Slot | None:
        row = await self._one(
            f"SELECT {_COLUMNS} FROM meeting_slots WHERE group_id = ? AND slot = ? AND day = ?",
            (group_id, slot, day),
        )
        return _slot(row) if row else None

    async def between(self, group_id: int, slot: str, first: str, last: str) -> list[Slot]:
        rows = await self._all(
            f"SELECT {_COLUMNS} FROM meeting_slots WHERE group_id = ? AND slot = ?"
            " AND day >= ? AND day <= ? ORDER BY day",
            (group_id, slot, first, last),
        )
        return [_slot(r) for r in rows]

    async def on_day(self, group_id: int, day: str) -> list[Slot]:
        rows = await self._all(
            f"SELECT {_COLUMNS} FROM meeting_slots WHERE group_id = ? AND day = ? ORDER BY slot",
            (group_id, day),
        )
        return [_slot(r) for r in rows]

    async def last_before(self, group_id: int, slot: str, day: str) -> Slot | None:
        row = await self._one(
            f"SELECT {_COLUMNS} FROM meeting_slots WHERE group_id = ? AND slot = ? AND day < ?"
            " ORDER BY day DESC LIMIT 1",
            (group_id, slot, day),
        )
        return _slot(row) if row else None

    async def put(
        self, group_id: int, slot: str, day: str, member_id: int, topic: str | None
    ) -> Slot:
        await self._db.execute(
            "INSERT INTO meeting_slots (group_id, slot, day, member_id, topic)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, slot, day) DO UPDATE"
            " SET member_id = excluded.member_id, topic = excluded.topic, swap_to = NULL",
            (group_id, slot, day, member_id, topic),
        )
        found = await self.get(group_id, slot, day)
        assert found is not None
        return found

    async def set_topic(self, slot_id: int, topic: str | None) -> None:
        await self._db.execute("UPDATE meeting_slots SET topic = ? WHERE id = ?", (topic, slot_id))

    async def offer_swap(self, slot_id: int, member_id: int | None) -> None:
        await self._db.execute(
            "UPDATE meeting_slots SET swap_to = ? WHERE id = ?", (member_id, slot_id)
        )
