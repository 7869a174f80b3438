"""The Slack app: which Slack requests reach Rapport, wired to their listeners.

`build_slack_app` registers the commands from manifest.yml, the buttons the core puts on its
messages, and the referral form. `assemble` builds a whole Slack bot (Web API client, core,
bolt app) from settings and secrets; the CLI and the tests both start from it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import Sleep, web_client
from adapters.slack.directory import Directory
from adapters.slack.listeners import FileSender, Listeners
from adapters.slack.messenger import Pacer, SlackMessenger
from adapters.slack.modal import CALLBACK_ID
from adapters.slack.resolver import SlackResolver
from bot.app import App, build
from bot.config import Settings
from bot.ports import Clock
from bot.service import Core

# The commands in manifest.yml; their text goes to the core's parser unchanged.
COMMANDS = ("/referral", "/lead", "/referrals", "/thanks", "/onetoone", "/rapport")

BOLT_LOG = logging.getLogger("adapters.slack.bolt")


class _ClientHasTheToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and warns that the client's
    token wins; that is the intent here (the variable's name comes from the config)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def build_slack_app(
    core: Core,
    *,
    client: AsyncWebClient,
    directory: Directory,
    signing_secret: str,
    process_before_response: bool = False,
    files: FileSender | None = None,
) -> AsyncApp:
    """The bolt app. `process_before_response=True` makes a dispatch return only once the
    listener finished (deterministic tests); Slack-facing runs leave it off, so the ack
    goes back at once and the work continues after it."""
    if not any(isinstance(f, _ClientHasTheToken) for f in BOLT_LOG.filters):
        BOLT_LOG.addFilter(_ClientHasTheToken())
    bolt = AsyncApp(
        name="rapport",
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        logger=BOLT_LOG,
    )
    on = Listeners(core, directory, files)
    for command in COMMANDS:
        bolt.command(command)(on.command)
    bolt.block_action(re.compile(r".+"))(on.action)
    bolt.view_submission(CALLBACK_ID)(on.view_submission)
    bolt.error(on.error)
    return bolt


@dataclass
class SlackBot:
    bolt: AsyncApp
    app: App
    client: AsyncWebClient
    messenger: SlackMessenger
    directory: Directory

    @property
    def core(self) -> Core:
        return self.app.core

    async def close(self) -> None:
        await self.app.close()


async def assemble(
    settings: Settings,
    *,
    token: str,
    signing_secret: str,
    clock: Clock,
    database: str | None = None,
    api_url: str | None = None,
    process_before_response: bool = False,
    pacer: Pacer | None = None,
    retry_sleep: Sleep = asyncio.sleep,
) -> SlackBot:
    """Everything a Slack-connected Rapport needs, built from settings and secrets."""
    client = web_client(token, api_url, sleep=retry_sleep)
    directory = Directory(client)
    messenger = SlackMessenger(client, pacer)
    app = await build(
        settings,
        messenger=messenger,
        resolver=SlackResolver(directory),
        clock=clock,
        database=database,
    )
    bolt = build_slack_app(
        app.core,
        client=client,
        directory=directory,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        files=messenger,
    )
    return SlackBot(bolt, app, client, messenger, directory)
