"""Command sync only when the definitions changed. Discord allows 200 command creations a day
per guild, and a sync on every start burns them; so the hash of what was last uploaded to
each scope (a guild, or global) is kept in the database (`discord_command_sync`), which every
process sharing it reads: a restart, another shard's process, another worker on PostgreSQL.
Each upload is claimed there first, so of two processes starting together one uploads."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import discord

from bot.ports import Clock

log = logging.getLogger(__name__)

GLOBAL = "global"
EMPTIED = "-"  # the claim of a scope being emptied (no definitions hash is one character)
CLAIM_LIFETIME = 300  # seconds: a process that claimed an upload and died is taken over
Upload = Callable[[str, list[dict[str, Any]]], Awaitable[None]]


class Scopes(Protocol):
    """Where the uploaded hashes are kept (the database's, or a process's own memory)."""

    async def synced(self, prefix: str) -> dict[str, str]: ...
    async def claim(self, scope: str, want: str) -> bool: ...
    async def uploaded(self, scope: str, digest: str) -> None: ...
    async def release(self, scope: str, want: str) -> None: ...
    async def forget(self, scope: str) -> None: ...


class DatabaseScopes:
    """The hashes in Rapport's database (storage.sqlite.discord_commands), on either backend."""

    def __init__(self, repo: Any, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    async def synced(self, prefix: str) -> dict[str, str]:
        found: dict[str, str] = await self.repo.atomic(
            lambda tx: tx.discord_commands.synced(prefix)
        )
        return found

    async def claim(self, scope: str, want: str) -> bool:
        now = int(self.clock.now().timestamp())
        took: bool = await self.repo.atomic(
            lambda tx: tx.discord_commands.claim(scope, want, now, now - CLAIM_LIFETIME)
        )
        return took

    async def uploaded(self, scope: str, digest: str) -> None:
        await self.repo.atomic(lambda tx: tx.discord_commands.uploaded(scope, digest))

    async def release(self, scope: str, want: str) -> None:
        await self.repo.atomic(lambda tx: tx.discord_commands.release(scope, want))

    async def forget(self, scope: str) -> None:
        await self.repo.atomic(lambda tx: tx.discord_commands.forget(scope))


class MemoryScopes:
    """The hashes in this process only: a client not yet given its database."""

    def __init__(self) -> None:
        self.hashes: dict[str, str] = {}

    async def synced(self, prefix: str) -> dict[str, str]:
        return {k: v for k, v in self.hashes.items() if k.startswith(prefix)}

    async def claim(self, scope: str, want: str) -> bool:
        return self.hashes.get(scope) != want

    async def uploaded(self, scope: str, digest: str) -> None:
        self.hashes[scope] = digest

    async def release(self, scope: str, want: str) -> None:
        """Nothing to release: a claim in memory is not held against another process."""

    async def forget(self, scope: str) -> None:
        self.hashes.pop(scope, None)


class CommandSync:
    """Uploads the command definitions to each wanted scope whose stored hash differs, and
    empties scopes no longer wanted (a guild taken out of DISCORD_GUILD_IDS, or global when
    moving to guild commands) so no command shows twice."""

    def __init__(self, scopes: Scopes, upload: Upload) -> None:
        self.scopes = scopes
        self.upload = upload

    async def run(
        self,
        application_id: int,
        payload: list[dict[str, Any]],
        digest: str,
        guild_ids: Sequence[int],
    ) -> list[str]:
        """Sync what changed; returns the scopes uploaded to (emptied ones included)."""
        wanted = {str(g): digest for g in guild_ids} or {GLOBAL: digest}
        prefix = f"{application_id}:"
        stored = await self.scopes.synced(prefix)
        done: list[str] = []
        for scope, want in wanted.items():
            key = prefix + scope
            if stored.get(key) == want or not await self.scopes.claim(key, want):
                continue  # there already, or another process is uploading it now
            if await self._upload(scope, payload):
                await self.scopes.uploaded(key, want)
                done.append(scope)
            else:
                await self.scopes.release(key, want)
        for key in stored:
            scope = key.removeprefix(prefix)
            if scope in wanted or not await self.scopes.claim(key, EMPTIED):
                continue
            if await self._upload(scope, []):
                await self.scopes.forget(key)
                done.append(scope)
            else:
                await self.scopes.release(key, EMPTIED)
        if not done:
            log.info("application commands unchanged; no sync")
        return done

    async def _upload(self, scope: str, payload: list[dict[str, Any]]) -> bool:
        where = "globally" if scope == GLOBAL else f"to server {scope}"
        try:
            await self.upload(scope, payload)
        except discord.Forbidden:
            log.error(
                "Discord refused Rapport's commands %s: invite the bot with the"
                " applications.commands scope (rapport discord-invite prints the link)",
                where,
            )
            return False
        except discord.HTTPException as e:
            log.error("syncing commands %s failed (%s); will try on the next start", where, e)
            return False
        log.info("synced %s application command(s) %s", len(payload), where)
        return True


def http_upload(client: discord.Client) -> Upload:
    """The real upload: Discord's bulk overwrite, which is what CommandTree.sync sends."""

    async def upload(scope: str, payload: list[dict[str, Any]]) -> None:
        app_id = client.application_id
        if app_id is None:
            raise RuntimeError("the application id is known only after login")
        if scope == GLOBAL:
            await client.http.bulk_upsert_global_commands(app_id, payload=payload)
        else:
            await client.http.bulk_upsert_guild_commands(app_id, int(scope), payload=payload)

    return upload
