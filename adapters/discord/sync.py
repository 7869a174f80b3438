"""Command sync only when the definitions changed. Discord allows 200 command creations a day
per guild, and a sync on every start burns them; so the hash of what was last uploaded to
each scope (a guild, or global) is kept in a small file beside the database."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

import discord

log = logging.getLogger(__name__)

GLOBAL = "global"
Upload = Callable[[str, list[dict[str, Any]]], Awaitable[None]]


def hash_path(database: str) -> Path | None:
    """`rapport.db` → `rapport.db.discord-commands.hash`; an in-memory database has none, and
    neither has a PostgreSQL database (no file beside it: the commands are uploaded at each
    start, as for a database never synced)."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    if database.strip().lower().startswith(("postgresql://", "postgres://")):
        return None
    return Path(database + ".discord-commands.hash")


class CommandSync:
    """Uploads the command definitions to each wanted scope whose stored hash differs, and
    empties scopes no longer wanted (a guild taken out of DISCORD_GUILD_IDS, or global when
    moving to guild commands) so no command shows twice."""

    def __init__(self, path: Path | None, upload: Upload) -> None:
        self.path = path
        self.upload = upload
        self._memory: dict[str, str] = {}

    def _load(self) -> dict[str, str]:
        if self.path is None:
            return dict(self._memory)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("%s is unreadable; syncing commands again", self.path)
            return {}
        scopes = data.get("scopes", {}) if isinstance(data, dict) else {}
        return {str(k): str(v) for k, v in scopes.items()}

    def _save(self, scopes: dict[str, str]) -> None:
        if self.path is None:
            self._memory = dict(scopes)
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            text = json.dumps({"scopes": scopes}, indent=1, sort_keys=True)
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as e:  # the next start syncs again: wasteful, not wrong
            log.warning("cannot write %s (%s); commands will sync again next start", self.path, e)

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
        stored = self._load()
        done: list[str] = []
        for scope, want in wanted.items():
            if stored.get(prefix + scope) == want:
                continue
            if await self._upload(scope, payload):
                stored[prefix + scope] = want
                self._save(stored)
                done.append(scope)
        for key in [k for k in stored if k.startswith(prefix)]:
            scope = key.removeprefix(prefix)
            if scope not in wanted and await self._upload(scope, []):
                del stored[key]
                self._save(stored)
                done.append(scope)
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
