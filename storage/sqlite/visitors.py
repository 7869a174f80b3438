"""The visitor pipeline (bot/features/visitors): visitors, their status and contacts."""

from __future__ import annotations

import sqlite3

from bot.features.visitors.store import Visitor
from storage.sqlite.base import Store

_COLUMNS = (
    "id, group_id, name, invited_by, at, status, status_at, attended_at, email, phone,"
    " classification, note, member_id"
)


def _visitor(r: sqlite3.Row) -> Visitor:
    return Visitor(*tuple(r)[:13])


class SqliteVisitors(Store):
    async def add(
        self,
        group_id: int,
        name: str,
        invited_by: int | None,
        now: int,
        status: str,
        email: str | None,
        phone: str | None,
        classification: str | None,
    ) -> int:
        return await self._insert(
            "INSERT INTO visitors (group_id, name, invited_by, at, status, status_at,"
            " attended_at, email, phone, classification) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                group_id,
                name,
                invited_by,
                now,
                status,
                now,
                now if status == "attended" else None,
                email,
                phone,
                classification,
            ),
        )

    async def get(self, group_id: int, visitor_id: int) -> Visitor | None:
        row = await self._one(
            f"SELECT {_COLUMNS} FROM visitors WHERE group_id = ? AND id = ?",
            (group_id, visitor_id),
        )
        return _visitor(row) if row else None

    async def pipeline(self, group_id: int, closed_since: int) -> list[Visitor]:
        rows = await self._all(
            f"SELECT {_COLUMNS} FROM visitors WHERE group_id = ?"
            " AND (status NOT IN ('joined', 'declined') OR status_at >= ?) ORDER BY id",
            (group_id, closed_since),
        )
        return [_visitor(r) for r in rows]

    async def with_status(self, group_id: int, statuses: tuple[str, ...]) -> list[Visitor]:
        marks = ", ".join("?" for _ in statuses)
        rows = await self._all(
            f"SELECT {_COLUMNS} FROM visitors WHERE group_id = ? AND status IN ({marks})"
            " ORDER BY id",
            (group_id, *statuses),
        )
        return [_visitor(r) for r in rows]

    async def move(
        self, visitor_id: int, status: str, now: int, note: str | None, member_id: int | None
    ) -> None:
        await self._db.execute(
            "UPDATE visitors SET status = ?, status_at = ?, note = COALESCE(?, note),"
            " member_id = COALESCE(?, member_id),"
            " attended_at = CASE WHEN ? = 'attended' THEN ? ELSE attended_at END WHERE id = ?",
            (status, now, note, member_id, status, now, visitor_id),
        )

    async def erase_contacts(self, visitor_id: int) -> bool:
        cur = await self._db.execute(
            "UPDATE visitors SET email = NULL, phone = NULL WHERE id = ?"
            " AND (email IS NOT NULL OR phone IS NOT NULL)",
            (visitor_id,),
        )
        return bool(cur.rowcount == 1)
