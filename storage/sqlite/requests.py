"""Processed platform requests on SQLite: a retried request is answered, not redone."""

from __future__ import annotations

from storage.sqlite.base import Store


class SqliteRequests(Store):
    async def reply(self, key: str) -> str | None:
        """The answer a request got, if it was handled. The unit asking holds the key until it
        ends: where two workers may take the same request at once (PostgreSQL), the second
        waits for the first and then reads its answer, as one writer at a time does on SQLite."""
        if self.dialect.lock_key:
            await self._one(self.dialect.lock_key, (f"request:{key}",))
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
