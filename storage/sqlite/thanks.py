"""Thanks on SQLite: who thanked whom, for the recaps."""

from __future__ import annotations

from storage.sqlite.base import Store


class SqliteThanks(Store):
    async def add(
        self,
        *,
        group_id: int,
        from_id: int,
        to_id: int,
        referral_id: int | None,
        note: str | None,
        now: int,
    ) -> None:
        await self._db.execute(
            "INSERT INTO thanks (group_id, from_id, to_id, referral_id, note, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (group_id, from_id, to_id, referral_id, note, now),
        )

    async def between(self, group_id: int, since: int, until: int) -> list[tuple[int, int]]:
        rows = await self._all(
            "SELECT from_id, to_id FROM thanks WHERE group_id = ? AND at >= ? AND at < ?"
            " ORDER BY at, id",
            (group_id, since, until),
        )
        return [(r["from_id"], r["to_id"]) for r in rows]
