"""`rapport discord` and `rapport discord-invite`.

Every problem a person can fix is one line on stderr naming the variable and where to get
the right value; the token itself is never printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TextIO
from urllib.parse import urlsplit

import discord

from adapters.discord import wording
from adapters.discord.client import DiscordConfig, GatewayUnknown
from adapters.discord.events import MeetingEvents
from adapters.discord.messenger import DiscordMessenger, DiscordResolver
from adapters.discord.shards import ShardProblem, Shards, make_client, parse_shards
from adapters.health import Health, HealthError, serve_health
from adapters.metrics import PrometheusMetrics
from adapters.scheduler import Scheduler
from bot.app import build
from bot.config import DiscordSettings, Settings

log = logging.getLogger(__name__)

# three base64url parts: the bot's id, a timestamp, an HMAC
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")
SNOWFLAKE = re.compile(r"[0-9]{15,20}")
CLIENT_ID_ENV = "DISCORD_CLIENT_ID"

# what `rapport discord-invite` asks for, and why (shown beside the link)
PERMISSIONS: tuple[tuple[str, str], ...] = (
    ("view_channel", "View Channel: see the group's channel, to post in it"),
    ("send_messages", "Send Messages: welcomes, referral notes, thanks, reminders, recaps"),
    ("embed_links", "Embed Links: messages with details laid out as cards, and link previews"),
    (
        "read_message_history",
        "Read Message History: see its own earlier posts in the channel (Discord hides a"
        " channel's history from a bot without it); it never reads members' messages",
    ),
    (
        "create_events",
        "Create Events: list the weekly meeting in the server's Events, in each member's own"
        " time (optional: untick it and Rapport just skips the event)",
    ),
)


class Problem(Exception):
    """One line for stderr."""


def permissions() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys((name for name, _ in PERMISSIONS), True))


def invite_url(client_id: str) -> str:
    return (
        f"https://discord.com/oauth2/authorize?client_id={client_id}"
        f"&scope=bot%20applications.commands&permissions={permissions().value}"
    )


def invite(
    settings: Settings,
    *,
    client_id: str | None,
    env: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Print the link that adds Rapport to a server, with the reason for each permission."""
    env = os.environ if env is None else env
    out, err = out or sys.stdout, err or sys.stderr
    source = "--client-id" if client_id else CLIENT_ID_ENV
    value = (client_id or env.get(CLIENT_ID_ENV, "")).strip()
    if not value:
        print(f"rapport: {wording.CLIENT_ID_MISSING}", file=err)
        return 2
    if not SNOWFLAKE.fullmatch(value):
        print(f"rapport: {wording.CLIENT_ID_MALFORMED.format(source=source)}", file=err)
        return 2
    lines = [
        wording.INVITE_INTRO,
        "",
        invite_url(value),
        "",
        wording.INVITE_SCOPES,
        wording.INVITE_WHY,
    ]
    lines += [f"  - {why}" for _, why in PERMISSIONS]
    print("\n".join(lines), file=out)
    return 0


def config_from_env(names: DiscordSettings, env: Mapping[str, str]) -> DiscordConfig:
    """DISCORD_TOKEN, DISCORD_GUILD_IDS and DISCORD_API_URL (their names come from the config),
    checked; a Problem names the variable and how to fix it."""
    raw = env.get(names.token_env, "")
    token = raw.strip()
    if not token:
        raise Problem(wording.TOKEN_MISSING.format(env=names.token_env, portal=wording.PORTAL))
    hint = ""
    if token.lower().startswith("bot "):
        hint = " (leave out the “Bot ” prefix)"
    elif token[:1] in "\"'":
        hint = " (leave out the quotes)"
    if hint or not TOKEN.fullmatch(token):
        raise Problem(
            wording.TOKEN_MALFORMED.format(env=names.token_env, hint=hint, portal=wording.PORTAL)
        )
    guilds: list[int] = []
    for part in re.split(r"[,\s]+", env.get(names.guild_ids_env, "").strip()):
        if not part:
            continue
        if not SNOWFLAKE.fullmatch(part):
            raise Problem(wording.GUILDS_MALFORMED.format(env=names.guild_ids_env, bad=part[:30]))
        guilds.append(int(part))
    api = env.get(names.api_url_env, "").strip() or None
    if api is not None:
        parts = urlsplit(api)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Problem(wording.API_URL_MALFORMED.format(env=names.api_url_env, bad=api[:60]))
    return DiscordConfig(token=token, guild_ids=tuple(dict.fromkeys(guilds)), api_url=api)


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def main(
    settings: Settings,
    *,
    database: str,
    env: Mapping[str, str] | None = None,
    health: tuple[str, int | None] = ("127.0.0.1", None),
    shards: tuple[str | None, str | None] = (None, None),
) -> int:
    """Run Rapport on Discord until interrupted. 2 when something must be fixed first.
    `shards` is `--shards` and `--shard-ids` as typed."""
    try:
        sharding = parse_shards(*shards)
        config = config_from_env(settings.discord, os.environ if env is None else env)
    except (Problem, ShardProblem) as e:
        print(f"rapport: {e}", file=sys.stderr)
        return 2
    try:
        return asyncio.run(
            serve(settings, config, database=database, health=health, shards=sharding)
        )
    except KeyboardInterrupt:
        return 0
    except Problem as e:
        print(f"rapport: {e}", file=sys.stderr)
        return 2


def connected(client: discord.Client) -> bool:
    """The gateway session is up: READY received and the websocket open (every shard's,
    when the process runs several)."""
    if isinstance(client, discord.AutoShardedClient):
        shards = client.shards.values()
        return client.is_ready() and bool(shards) and not any(s.is_closed() for s in shards)
    ws = client.ws
    return client.is_ready() and not client.is_closed() and ws is not None and ws.open


async def serve(
    settings: Settings,
    config: DiscordConfig,
    *,
    database: str,
    health: tuple[str, int | None] = ("127.0.0.1", None),
    shards: Shards | None = None,
) -> int:
    """Run the bot until the client closes; with a port in `health` (address, port), serve
    /healthz, /readyz and /metrics there meanwhile; with `shards`, run those shards."""
    clock = SystemClock()
    client = make_client(config, shards=shards)
    messenger = DiscordMessenger(client)
    metrics = PrometheusMetrics(platforms=("discord",))
    app = await build(
        settings,
        messenger=messenger,
        resolver=DiscordResolver(client),
        clock=clock,
        database=database,
        metrics=metrics,
    )
    runner = None
    if health[1] is not None:
        checks = Health(app.repo, clock, metrics, "Discord", lambda: connected(client))
        try:
            runner, _ = await serve_health(checks, *health)
        except HealthError as e:
            await app.close()
            raise Problem(str(e)) from None
    client.serve(
        app.core,
        scheduler=Scheduler(app.core, clock),
        events=MeetingEvents(client, app.repo, clock),
    )
    names = settings.discord
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # a service manager stops us with SIGTERM
        loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(client.close()))
    try:
        async with client:
            await client.start(config.token)
    except discord.LoginFailure:
        raise Problem(
            wording.TOKEN_REFUSED.format(env=names.token_env, portal=wording.PORTAL)
        ) from None
    except GatewayUnknown:
        raise Problem(
            wording.GATEWAY_UNKNOWN.format(env=names.api_url_env, url=config.api_url)
        ) from None
    finally:
        with contextlib.suppress(NotImplementedError):
            loop.remove_signal_handler(signal.SIGTERM)
        if runner is not None:
            await runner.cleanup()
        await app.close()
    return 0
