"""The Discord client: default intents, nothing pinged unless a message names the member, the
command tree, persistent buttons, command sync when definitions change, and the scheduler.

Every REST request the client makes keeps to Discord's global limit of 50 a second as it
leaves (adapters/discord/pace.py); discord.py keeps each route's bucket and handles a 429.

Construction is cheap and offline; `setup_hook` (run by login, before the gateway connects)
does the work that needs Discord: the gateway address from DISCORD_API_URL, command sync,
and starting the scheduler.
"""

from __future__ import annotations

import contextlib
import logging
import re
from dataclasses import dataclass
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import refs, render, replies, views, wording
from adapters.discord.events import MeetingEvents
from adapters.discord.pace import GlobalPace
from adapters.discord.sync import CommandSync, DatabaseScopes, MemoryScopes, http_upload
from adapters.discord.tree import RapportTree
from adapters.scheduler import Scheduler
from bot import messages
from bot.events import MeetingChanged
from bot.service import Core

log = logging.getLogger(__name__)

DISCORD_API = "https://discord.com/api/v10"


@dataclass(frozen=True)
class DiscordConfig:
    """What `rapport discord` read from the environment, already checked."""

    token: str
    guild_ids: tuple[int, ...] = ()
    api_url: str | None = None  # a Discord-compatible REST API: a rate-limiting proxy, a double


def api_base(url: str) -> str:
    """`http://proxy:8080` → `http://proxy:8080/api/v10`; a URL with its /api/vN kept as is."""
    base = url.rstrip("/")
    return base if re.search(r"/api/v\d+$", base) else base + "/api/v10"


class GatewayUnknown(Exception):
    """DISCORD_API_URL did not say where its gateway is."""


class RapportClient(discord.Client):
    def __init__(
        self,
        config: DiscordConfig,
        *,
        pace: GlobalPace | None = None,
        **shards: Any,
    ) -> None:
        # Rapport never joins voice: spare the operator discord.py's voice-library warnings
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        pace = pace or GlobalPace()
        super().__init__(
            intents=discord.Intents.default(),  # no privileged intent: see the README
            allowed_mentions=discord.AllowedMentions.none(),  # each message allows its own
            http_trace=pace.trace(),  # every request of this client (all its shards) paced
            **shards,  # shard_count and shard_ids, for adapters.discord.shards
        )
        self.pace = pace
        self.config = config
        # discord.py builds every REST and webhook URL from Route.BASE
        Route.BASE = api_base(config.api_url) if config.api_url else DISCORD_API
        self.tree = RapportTree(self)
        self.sync = CommandSync(MemoryScopes(), http_upload(self))  # the database's: serve()
        self.core: Core | None = None
        self.scheduler: Scheduler | None = None
        self.events: MeetingEvents | None = None

    def serve(
        self,
        core: Core,
        *,
        scheduler: Scheduler | None = None,
        events: MeetingEvents | None = None,
    ) -> None:
        """Wire the core in (it needs this client's Messenger, so it comes second)."""
        self.core = core
        # what was uploaded is kept where every process sharing the database reads it
        self.sync.scopes = DatabaseScopes(core.repo, core.clock)
        self.scheduler = scheduler
        self.events = events
        if events is not None:
            core.events.subscribe(MeetingChanged, lambda e: events.refresh(e.channel))

    async def setup_hook(self) -> None:
        self.add_dynamic_items(views.ActionButton)  # every old DM's buttons work again
        if self.config.api_url:
            await self._gateway_from_api()
        if self.application_id is not None:
            await self.sync.run(
                self.application_id, self.tree.payload(), self.tree.digest(), self.config.guild_ids
            )
        if self.scheduler is not None:
            self.scheduler.start()

    async def _gateway_from_api(self) -> None:
        """A plain Client dials wss://gateway.discord.gg; behind DISCORD_API_URL the gateway
        is wherever that API's GET /gateway/bot says."""
        try:
            _shards, url, _limits = await self.http.get_bot_gateway()
        except discord.GatewayNotFound as e:
            raise GatewayUnknown(str(e)) from e
        if not isinstance(url, str) or not url.startswith(("ws://", "wss://")):
            raise GatewayUnknown(f"GET /gateway/bot answered {url!r}")
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        log.info("gateway: %s (from %s)", url, Route.BASE)

    async def on_ready(self) -> None:
        log.info("Rapport is online as %s in %s server(s)", self.user, len(self.guilds))

    async def handle_action(
        self, interaction: discord.Interaction, button: views.ActionButton
    ) -> None:
        """A button: the core runs its action as if the command were typed; a DM then shows
        the button as done, and the outcome comes privately to whoever clicked."""
        try:
            await self._action(interaction, button)
        except Exception:
            log.exception("button %r failed", button.action_id[:100])
            with contextlib.suppress(discord.HTTPException):  # Discord is down: nothing to say
                await replies.say(interaction, messages.internal_error().fallback())

    async def _action(self, interaction: discord.Interaction, button: views.ActionButton) -> None:
        if self.core is None:
            raise RuntimeError("a button was clicked before the core was ready")
        if interaction.guild_id is not None and str(interaction.guild_id) != button.guild_id:
            # a button names its group's server; clicked in another server, it is not theirs
            log.warning(
                "button %r of guild %s clicked in guild %s: refused",
                button.action_id[:100],
                button.guild_id,
                interaction.guild_id,
            )
            await replies.say(interaction, wording.OTHER_GUILD)
            return
        ctx = refs.context(interaction, guild_id=button.guild_id)
        await interaction.response.defer()
        replies_ = await self.core.click(ctx, button.action_id)
        message = interaction.message
        # a DM (or a reply only they see) is theirs to mark as done; a channel post is everyone's
        personal = interaction.guild_id is None or bool(message and message.flags.ephemeral)
        ok = not any(r.refused for r in replies_)
        if message is not None and personal and ok:
            try:
                await interaction.edit_original_response(
                    view=views.after_click(message, button.custom_id)
                )
            except discord.HTTPException:
                log.warning("could not mark the clicked button as done", exc_info=True)
        for reply in replies_:
            for out in render.outgoing(reply, button.guild_id):
                await interaction.followup.send(ephemeral=True, **out.send_kwargs())

    async def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown()
        await super().close()
