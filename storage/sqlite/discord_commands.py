"""Discord command definitions last uploaded, per scope (adapters.discord.sync), on either
database: a claim taken in one statement, so of two processes starting together on one
database exactly one uploads."""

from __future__ import annotations

from storage.sqlite.base import Store

# One statement, so it is atomic on both databases: PostgreSQL re-reads a row another
# transaction changed before it applies the WHERE; SQLite has one writer at a time.
_CLAIM = (
    "INSERT INTO discord_command_sync (scope, digest, claimed, claimed_at)"
    " VALUES (:scope, NULL, :want, :now)"
    " ON CONFLICT (scope) DO UPDATE SET claimed = excluded.claimed,"
    " claimed_at = excluded.claimed_at"
    " WHERE COALESCE(discord_command_sync.digest, '') <> excluded.claimed"
    " AND (COALESCE(discord_command_sync.claimed, '') <> excluded.claimed"
    " OR discord_command_sync.claimed_at < :stale)"
    " RETURNING scope"
)


class SqliteDiscordCommands(Store):
    async def synced(self, prefix: str) -> dict[str, str]:
        """Scope → the hash last uploaded there, for the scopes starting with `prefix`."""
        rows = await self._all(
            "SELECT scope, digest FROM discord_command_sync WHERE digest IS NOT NULL"
        )
        return {r["scope"]: r["digest"] for r in rows if r["scope"].startswith(prefix)}

    async def claim(self, scope: str, want: str, now: int, stale_before: int) -> bool:
        """Take the upload of `want` to `scope`: False when it is there already, or another
        process took it since `stale_before` (it is uploading it now)."""
        row = await self._one(
            _CLAIM, {"scope": scope, "want": want, "now": now, "stale": stale_before}
        )
        return row is not None

    async def uploaded(self, scope: str, digest: str) -> None:
        await self._db.execute(
            "UPDATE discord_command_sync SET digest = ?, claimed = NULL, claimed_at = NULL"
            " WHERE scope = ?",
            (digest, scope),
        )

    async def release(self, scope: str, want: str) -> None:
        """The upload failed: the next start tries again."""
        await self._db.execute(
            "UPDATE discord_command_sync SET claimed = NULL, claimed_at = NULL"
            " WHERE scope = ? AND claimed = ?",
            (scope, want),
        )

    async def forget(self, scope: str) -> None:
        """The scope was emptied: nothing of Rapport's is there any more."""
        await self._db.execute("DELETE FROM discord_command_sync WHERE scope = ?", (scope,))
