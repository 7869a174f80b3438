"""Slack installations in Rapport's own database, behind slack-sdk's own interfaces.

`InstallationStore` is the AsyncInstallationStore bolt's OAuth flow saves each workspace's
installation to and resolves each request's bot token from; `StateStore` is the
AsyncOAuthStateStore for the state an installer's browser carries through Slack's consent
page. `WorkspaceClients` gives the messenger and the directory the Web API client of the
workspace a message or a lookup belongs to, holding that workspace's token, or None once the
app is no longer installed there. The rows live in storage.sqlite.slack_installations.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.translate import PLATFORM
from bot import workspaces
from bot.ports import Clock

log = logging.getLogger(__name__)

T = TypeVar("T")
STATE_SECONDS = 600  # an installer has ten minutes on Slack's consent page
# at most this many states live at once: the install link needs no sign-in, so anyone (or any
# crawler) can ask for states; beyond this the oldest go (their installers start again)
MAX_STATES = 2000


class InstallationRows(Protocol):
    """What the stores need of the repository (its `slack_installations` store)."""

    async def atomic(self, work: Callable[[Any], Awaitable[T]]) -> T: ...


class InstallationStore(AsyncInstallationStore):
    """Bot installations only: Rapport asks for no user scopes, so it keeps no user token."""

    def __init__(self, repo: InstallationRows, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await self.async_save_bot(installation.to_bot(), installer_id=installation.user_id)

    async def async_save_bot(self, bot: Bot, installer_id: str | None = None) -> None:
        row = {
            "team_id": bot.team_id or "",
            "enterprise_id": bot.enterprise_id,
            "app_id": bot.app_id,
            "team_name": bot.team_name,
            "bot_token": bot.bot_token,
            "bot_id": bot.bot_id,
            "bot_user_id": bot.bot_user_id,
            "bot_scopes": ",".join(bot.bot_scopes or []),
            "installer_id": installer_id,
            "is_enterprise_install": bot.is_enterprise_install,
            "installed_at": int(self.clock.now().timestamp()),
        }

        async def save(tx: Any) -> None:
            await tx.slack_installations.save(row)
            if bot.team_id:  # installed again: nothing of it is erased, whatever comes next
                await workspaces.came_back(tx, PLATFORM, bot.team_id)

        await self.repo.atomic(save)
        log.info("Slack workspace %s installed the app", bot.team_id)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        row = await self.repo.atomic(lambda tx: tx.slack_installations.get(enterprise_id, team_id))
        if row is None:
            return None
        return Bot(
            app_id=row["app_id"],
            enterprise_id=row["enterprise_id"] or None,
            team_id=row["team_id"] or None,
            team_name=row["team_name"],
            bot_token=row["bot_token"],
            bot_id=row["bot_id"] or "",
            bot_user_id=row["bot_user_id"] or "",
            bot_scopes=row["bot_scopes"] or "",
            is_enterprise_install=bool(row["is_enterprise_install"]),
            installed_at=float(row["installed_at"]),
        )

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        if user_id is not None:
            return None  # no user tokens are kept
        bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None:
            return None
        return Installation(
            app_id=bot.app_id,
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team_name=bot.team_name,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            user_id="",
            is_enterprise_install=bot.is_enterprise_install,
            installed_at=bot.installed_at,
        )

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.repo.atomic(lambda tx: tx.slack_installations.delete(enterprise_id, team_id))

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is None:  # a user's own tokens are never kept: nothing else to delete
            await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)


class StateStore(AsyncOAuthStateStore):
    """OAuth states: random, good once, for STATE_SECONDS (bolt also ties each to a cookie)."""

    def __init__(
        self,
        repo: InstallationRows,
        clock: Clock,
        seconds: int = STATE_SECONDS,
        max_states: int = MAX_STATES,
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.seconds = seconds
        self.max_states = max_states

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A new state. Expired ones go on the way, and the oldest beyond MAX_STATES."""
        state = secrets.token_urlsafe(24)
        now = int(self.clock.now().timestamp())

        async def issue(tx: Any) -> None:
            await tx.slack_installations.prune_states(now)
            if await tx.slack_installations.live_states() >= self.max_states:
                evicted = await tx.slack_installations.evict_states(self.max_states - 1)
                log.warning("too many Slack install links open: the %s oldest dropped", evicted)
            await tx.slack_installations.add_state(state, now + self.seconds)

        await self.repo.atomic(issue)
        return state

    async def async_consume(self, state: str) -> bool:
        now = int(self.clock.now().timestamp())
        return await self.repo.atomic(
            lambda tx: tx.slack_installations.take_state(state or "", now)
        )


class WorkspaceClients:
    """The Web API client for a workspace. With one bot token (`single`), every workspace
    gets that client; with installations, a client holding the workspace's own token (built
    once per token, sharing the base client's address and retry handlers, so its 429s pause
    that workspace's calls), or None when the app is not installed there."""

    def __init__(self, base: AsyncWebClient, store: InstallationStore | None = None) -> None:
        self.base = base
        self.store = store
        self._clients: dict[str, AsyncWebClient] = {}

    @property
    def single(self) -> bool:
        return self.store is None

    async def client(self, team_id: str) -> AsyncWebClient | None:
        if self.store is None:
            return self.base
        bot = await self.store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None:
            self._clients.pop(team_id, None)
            return None
        client = self._clients.get(team_id)
        if client is None or client.token != bot.bot_token:
            client = AsyncWebClient(
                token=bot.bot_token,
                base_url=self.base.base_url,
                timeout=self.base.timeout,
                retry_handlers=list(self.base.retry_handlers),
                team_id=team_id,
            )
            self._clients[team_id] = client
        return client
