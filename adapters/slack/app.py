"""The Slack app: which Slack requests reach Rapport, wired to their listeners.

`build_slack_app` registers the commands from manifest.yml, the buttons the core puts on its
messages, and the referral form. `assemble` builds a whole Slack bot (Web API client, core,
bolt app) from settings and secrets; the CLI and the tests both start from it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import Sleep, pooled_session, web_client
from adapters.slack.directory import Directory
from adapters.slack.home_listeners import register as register_home
from adapters.slack.installations import InstallationStore, StateStore, WorkspaceClients
from adapters.slack.limits import RateLimits
from adapters.slack.listeners import FileSender, Listeners
from adapters.slack.messenger import Pacer, SlackMessenger
from adapters.slack.modal import CALLBACK_ID
from adapters.slack.oauth import NOT_INSTALLED, Departures, OAuth, oauth_settings
from adapters.slack.resolver import SlackResolver
from adapters.slack.verify import replace_signature_check
from bot.app import App, build
from bot.config import Settings
from bot.metrics import NO_METRICS, Metrics
from bot.ports import Clock
from bot.registry import SLASH_COMMANDS
from bot.service import Core

# The commands in manifest.yml (the registry's): their text goes to the core's parser unchanged.
COMMANDS = SLASH_COMMANDS

BOLT_LOG = logging.getLogger("adapters.slack.bolt")


class _ClientHasTheToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and warns that the client's
    token wins, or is left to `authorize`; that is the intent here (the variable's name comes
    from the config, and Identity answers for the token)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "`token` will be unused" not in message and "will be ignored" not in message


class Identity:
    """Who the bot token is (auth.test), asked once per process. The CLI asks at start-up to
    check the token and hands the answer over (`learned`); bolt's per-request authorization
    reads it from here instead of calling auth.test again inside the first request's ack, and
    a burst of first requests waits for one call instead of making one each."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._result: AuthorizeResult | None = None
        self._asking = asyncio.Lock()

    def learned(self, auth_test: Any) -> None:
        self._result = AuthorizeResult.from_auth_test_response(
            bot_token=self.client.token, auth_test_response=auth_test
        )

    async def result(self) -> AuthorizeResult:
        if self._result is None:
            async with self._asking:
                if self._result is None:
                    self.learned(await self.client.auth_test())
        assert self._result is not None
        return self._result

    def authorizer(self) -> Callable[[], Awaitable[AuthorizeResult]]:
        """bolt's `authorize` (a plain function: bolt passes it the arguments it names)."""

        async def authorize() -> AuthorizeResult:
            return await self.result()

        return authorize


def build_slack_app(
    core: Core,
    *,
    client: AsyncWebClient,
    directory: Directory,
    signing_secret: str,
    process_before_response: bool = False,
    files: FileSender | None = None,
    identity: Identity | None = None,
    installs: Installs | None = None,
) -> AsyncApp:
    """The bolt app. `process_before_response=True` makes a dispatch return only once the
    listener finished (deterministic tests); Slack-facing runs leave it off, so the ack
    goes back at once and the work continues after it. With `installs`, it serves many
    workspaces through bolt's OAuth flow; without, the one of its bot token."""
    if not any(isinstance(f, _ClientHasTheToken) for f in BOLT_LOG.filters):
        BOLT_LOG.addFilter(_ClientHasTheToken())
    if installs is not None:
        bolt = AsyncApp(
            name="rapport",
            client=client,
            signing_secret=signing_secret,
            process_before_response=process_before_response,
            logger=BOLT_LOG,
            oauth_settings=oauth_settings(
                installs.oauth, core, installs.store, installs.states, BOLT_LOG
            ),
            user_facing_authorize_error_message=NOT_INSTALLED,
        )
        Departures(core).register(bolt)
    else:
        bolt = AsyncApp(
            name="rapport",
            client=client,
            signing_secret=signing_secret,
            process_before_response=process_before_response,
            logger=BOLT_LOG,
            authorize=(identity or Identity(client)).authorizer(),
        )
    replace_signature_check(bolt, signing_secret, BOLT_LOG)
    on = Listeners(core, directory, files)
    for command in COMMANDS:
        bolt.command(command)(on.command)
    bolt.block_action(re.compile(r".+"))(on.action)
    bolt.view_submission(CALLBACK_ID)(on.view_submission)
    register_home(bolt, core, directory)
    bolt.error(on.error)
    return bolt


@dataclass(frozen=True)
class Installs:
    """Many workspaces: the app's OAuth credentials and where installations are kept."""

    oauth: OAuth
    store: InstallationStore
    states: StateStore


@dataclass
class SlackBot:
    bolt: AsyncApp
    app: App
    client: AsyncWebClient
    messenger: SlackMessenger
    directory: Directory
    identity: Identity
    installs: Installs | None = None

    @property
    def core(self) -> Core:
        return self.app.core

    async def close(self) -> None:
        await self.app.close()
        if self.client.session is not None:
            await self.client.session.close()


async def assemble(
    settings: Settings,
    *,
    token: str | None,
    signing_secret: str,
    clock: Clock,
    database: str | None = None,
    api_url: str | None = None,
    process_before_response: bool = False,
    pacer: Pacer | None = None,
    retry_sleep: Sleep = asyncio.sleep,
    metrics: Metrics = NO_METRICS,
    oauth: OAuth | None = None,
) -> SlackBot:
    """Everything a Slack-connected Rapport needs, built from settings and secrets: one
    workspace's bot `token`, or (`oauth`, no token) every workspace that installs the app.
    Rate-limit pauses run on the pacer's clock and `retry_sleep` (tests pass fake ones)."""
    pacer = pacer or Pacer()
    limits = RateLimits(pacer.monotonic, retry_sleep)
    client = web_client(
        token, api_url, sleep=retry_sleep, limits=limits, session=pooled_session()
    )
    clients = WorkspaceClients(client) if oauth is not None else None
    directory = Directory(client, clients=clients)
    messenger = SlackMessenger(client, pacer, limits, clients=clients)
    identity = Identity(client)
    app = await build(
        settings,
        messenger=messenger,
        resolver=SlackResolver(directory),
        clock=clock,
        database=database,
        metrics=metrics,
    )
    installs = None
    if oauth is not None and clients is not None:
        store = InstallationStore(cast(Any, app.repo), clock)  # storage.sqlite.slack_installations
        clients.store = store
        installs = Installs(oauth, store, StateStore(cast(Any, app.repo), clock))
    bolt = build_slack_app(
        app.core,
        client=client,
        directory=directory,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        files=messenger,
        identity=identity,
        installs=installs,
    )
    return SlackBot(bolt, app, client, messenger, directory, identity, installs)
