"""1-2-1s on SQLite: meetings between two members, their confirmations, and the
suggestions of whom to meet next.
"""

from __future__ import annotations

from storage.sqlite.base import Store


class SqliteOneToOnes(Store):
    async def recent(self, a: int, b: int, since: int) -> tuple[int, int, bool] | None:
        """The latest 1-2-1 of this pair since `since`: (id, logged_by, confirmed)."""
        lo, hi = sorted((a, b))
        row = await self._one(
            "SELECT id, logged_by, confirmed FROM one_to_ones WHERE member_a = ? AND member_b = ?"
            " AND met_at >= ? ORDER BY met_at DESC LIMIT 1",
            (lo, hi, since),
        )
        return (row["id"], row["logged_by"], bool(row["confirmed"])) if row else None

    async def add(
        self, group_id: int, a: int, b: int, logged_by: int, note: str | None, now: int
    ) -> None:
        lo, hi = sorted((a, b))
        await self._db.execute(
            "INSERT INTO one_to_ones (group_id, member_a, member_b, logged_by, note, met_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (group_id, lo, hi, logged_by, note, now),
        )

    async def confirm(self, one_to_one_id: int) -> None:
        await self._db.execute(
            "UPDATE one_to_ones SET confirmed = 1 WHERE id = ?", (one_to_one_id,)
        )

    async def last_suggestion(self, member_id: int) -> int | None:
        row = await self._one(
            "SELECT suggested_id FROM one_to_one_suggestions WHERE member_id = ?"
            " ORDER BY at DESC, id DESC LIMIT 1",
            (member_id,),
        )
        return row["suggested_id"] if row else None

    async def add_suggestion(
        self, group_id: int, member_id: int, suggested_id: int, now: int
    ) -> None:
        await self._db.execute(
            "INSERT INTO one_to_one_suggestions (group_id, member_id, suggested_id, at)"
            " VALUES (?, ?, ?, ?)",
            (group_id, member_id, suggested_id, now),
        )

    async def last_met(self, member_id: int) -> dict[int, int]:
        """Other member id → when this member last had a 1-2-1 with them."""
        rows = await self._all(
            "SELECT CASE WHEN member_a = :m THEN member_b ELSE member_a END AS other,"
            " MAX(met_at) AS t FROM one_to_ones WHERE member_a = :m OR member_b = :m"
            " GROUP BY other",
            {"m": member_id},
        )
        return {r["other"]: r["t"] for r in rows}
