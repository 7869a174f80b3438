"""Processed platform requests on SQLite: a retried request is answered, not redone."""

from __future__ import annotations

from storage.sqlite.base import Store


class SqliteRequests(Store):
    async def reply(self, key: str) -> str | None:
        row = await self._one("SELECT reply FROM requests WHERE key = ?", (key,))
        return row["reply"] if row else None

    async def save(self, key: str, reply: str, now: int) -> None:
        await self._db.execute(
            "INSERT INTO requests (key, reply, at) VALUES (?, ?, ?)", (key, reply, now)
        )

    async def prune(self, before: int) -> int:
        """Forget handled platform requests older than `before`: a platform retries within
        minutes, and the stored replies name members."""
        cur = await self._db.execute("DELETE FROM requests WHERE at < ?", (before,))
        return int(cur.rowcount)
