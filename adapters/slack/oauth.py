"""Slack for many workspaces: bolt's own OAuth flow, and what an uninstall does.

bolt serves /slack/install (a redirect to Slack's consent page, with a state tied to the
installer's browser by a cookie) and /slack/oauth_redirect (oauth.v2.access, then the
installation saved to Rapport's database through InstallationStore), and resolves every
request's bot token from the store. A workspace that installs the app again within its
grace period resumes as it was; `app_uninstalled` and `tokens_revoked` stop delivery there at
once (bot.workspaces). No token is ever logged or shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse

from adapters.slack.installations import InstallationStore, StateStore
from adapters.slack.translate import PLATFORM
from bot import workspaces
from bot.service import Core

log = logging.getLogger(__name__)

# the bot scopes of manifest.yml (tests/slack/test_manifest.py keeps the two in step)
BOT_SCOPES = ("commands", "chat:write", "im:write", "users:read", "files:write")
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# what a member of a workspace the app is not installed in sees when they use a command
NOT_INSTALLED = (
    "Rapport isn't installed in this workspace (any more). A workspace admin can install it"
    " again from your Rapport host's install link (…/slack/install)."
)


@dataclass(frozen=True)
class OAuth:
    """The app's OAuth credentials (from SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)."""

    client_id: str
    client_secret: str
    redirect_uri: str | None = None  # None: the one set in the app's OAuth & Permissions
    authorization_url: str | None = None  # None: Slack's (tests point it elsewhere)


def oauth_settings(
    oauth: OAuth,
    core: Core,
    store: InstallationStore,
    states: StateStore,
    logger: logging.Logger,
) -> AsyncOAuthSettings:
    """bolt's settings: the manifest's scopes, Rapport's stores, and an install page that
    goes straight to Slack (there is nothing to choose on it)."""

    async def installed(args: AsyncSuccessArgs) -> BoltResponse:
        team = args.installation.team_id
        if team:
            await core.workspace_back(PLATFORM, team)
        return await args.default.success(args)

    async def failed(args: AsyncFailureArgs) -> BoltResponse:
        log.warning("a Slack installation failed: %s", args.reason)
        return await args.default.failure(args)

    return AsyncOAuthSettings(
        client_id=oauth.client_id,
        client_secret=oauth.client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=oauth.redirect_uri,
        install_path=INSTALL_PATH,
        install_page_rendering_enabled=False,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=AsyncCallbackOptions(success=installed, failure=failed),
        authorization_url=oauth.authorization_url,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=states,
        state_expiration_seconds=states.seconds,
        logger=logger,
    )


class Departures:
    """`app_uninstalled` and `tokens_revoked`: the workspace's installation is deleted (its
    token is dead), and the core drops what was queued there and starts the grace period.
    Slack retries an event it thinks was missed (up to three times, over some minutes): one
    from before the workspace's current installation (an uninstall undone since) is ignored
    by the core, which compares the event's time with the installation's."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def register(self, bolt: AsyncApp) -> None:
        bolt.event("app_uninstalled")(self.uninstalled)
        bolt.event("tokens_revoked")(self.revoked)

    async def uninstalled(self, body: dict[str, Any]) -> None:
        await self._gone(body, workspaces.UNINSTALLED)

    async def revoked(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):  # user tokens: Rapport keeps none
            await self._gone(body, workspaces.REVOKED)

    async def _gone(self, body: dict[str, Any], reason: str) -> None:
        team = str(body.get("team_id") or "")
        if not team:
            log.warning("an uninstall event without a team id was ignored")
            return
        happened = body.get("event_time")
        happened_at = int(happened) if isinstance(happened, int | float) else None
        await self.core.workspace_left(PLATFORM, team, reason, happened_at)
