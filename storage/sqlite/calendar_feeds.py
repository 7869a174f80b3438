"""Groups' private calendar feeds: the hash of each feed's token, never the token."""

from __future__ import annotations

from storage.sqlite.base import Store


class SqliteCalendarFeeds(Store):
    async def set(self, group_id: int, token_hash: str, now: int) -> None:
        await self._db.execute("DELETE FROM calendar_feeds WHERE group_id = ?", (group_id,))
        await self._db.execute(
            "INSERT INTO calendar_feeds (group_id, token_hash, created_at) VALUES (?, ?, ?)",
            (group_id, token_hash, now),
        )

    async def drop(self, group_id: int) -> bool:
        cur = await self._db.execute("DELETE FROM calendar_feeds WHERE group_id = ?", (group_id,))
        return bool(cur.rowcount)

    async def group_of(self, token_hash: str) -> int | None:
        row = await self._one(
            "SELECT group_id FROM calendar_feeds WHERE token_hash = ?", (token_hash,)
        )
        return int(row["group_id"]) if row else None

    async def is_on(self, group_id: int) -> bool:
        row = await self._one("SELECT 1 AS on_ FROM calendar_feeds WHERE group_id = ?", (group_id,))
        return row is not None
