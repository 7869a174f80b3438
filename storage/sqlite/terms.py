"""Members' renewal dates and leaves of absence (bot/features/renewals)."""

from __future__ import annotations

import sqlite3

from bot.features.renewals.store import Terms
from storage.sqlite.base import Store


def _terms(r: sqlite3.Row) -> Terms:
    return Terms(r["member_id"], r["renewal"], r["leave_from"], r["leave_until"])


class SqliteTerms(Store):
    async def get(self, member_id: int) -> Terms | None:
        row = await self._one(
            "SELECT member_id, renewal, leave_from, leave_until FROM member_terms"
            " WHERE member_id = ?",
            (member_id,),
        )
        return _terms(row) if row else None

    async def of_group(self, group_id: int) -> dict[int, Terms]:
        rows = await self._all(
            "SELECT member_id, renewal, leave_from, leave_until FROM member_terms"
            " WHERE group_id = ?",
            (group_id,),
        )
        return {r["member_id"]: _terms(r) for r in rows}

    async def set_renewal(self, group_id: int, member_id: int, day: str | None) -> None:
        await self._db.execute(
            "INSERT INTO member_terms (member_id, group_id, renewal) VALUES (?, ?, ?)"
            " ON CONFLICT (member_id) DO UPDATE SET renewal = excluded.renewal",
            (member_id, group_id, day),
        )

    async def set_leave(
        self, group_id: int, member_id: int, first: str | None, last: str | None
    ) -> None:
        await self._db.execute(
            "INSERT INTO member_terms (member_id, group_id, leave_from, leave_until)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (member_id) DO UPDATE"
            " SET leave_from = excluded.leave_from, leave_until = excluded.leave_until",
            (member_id, group_id, first, last),
        )
