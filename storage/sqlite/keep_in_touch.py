"""The people outside the group each member keeps in touch with."""

from __future__ import annotations

from typing import Any

from bot.features.keep_in_touch.model import Contact
from storage.sqlite.base import Store

_COLUMNS = "id, member_id, name, every_weeks, last_at"


def _contact(r: Any) -> Contact:
    return Contact(
        int(r["id"]), int(r["member_id"]), r["name"], int(r["every_weeks"]), int(r["last_at"])
    )


class SqliteKeepInTouch(Store):
    async def of_member(self, member_id: int) -> list[Contact]:
        rows = await self._all(
            f"SELECT {_COLUMNS} FROM keep_in_touch WHERE member_id = ? ORDER BY id", (member_id,)
        )
        return [_contact(r) for r in rows]

    async def get(self, contact_id: int) -> Contact | None:
        row = await self._one(f"SELECT {_COLUMNS} FROM keep_in_touch WHERE id = ?", (contact_id,))
        return _contact(row) if row else None

    async def add(self, member_id: int, name: str, every_weeks: int, now: int) -> Contact:
        cid = await self._insert(
            "INSERT INTO keep_in_touch (member_id, name, every_weeks, last_at, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (member_id, name, every_weeks, now, now),
        )
        found = await self.get(cid)
        assert found is not None
        return found

    async def remove(self, contact_id: int) -> None:
        await self._db.execute("DELETE FROM keep_in_touch WHERE id = ?", (contact_id,))

    async def touched(self, contact_id: int, now: int) -> Contact:
        await self._db.execute(
            "UPDATE keep_in_touch SET last_at = ? WHERE id = ?", (now, contact_id)
        )
        found = await self.get(contact_id)
        assert found is not None
        return found
