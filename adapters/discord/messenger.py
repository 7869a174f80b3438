"""The core's Messenger and MentionResolver on Discord.

Delivery failures are sorted the way the outbox needs them: a DM Discord will never take
(50007: the member refuses DMs from the server's members) is RecipientUnreachable, so it is
not retried into Discord's invalid-request limit; a channel the bot may not post in is
NeedsAdmin, saying which permissions to grant; a payload Discord refuses (400, such as 50035
Invalid Form Body) is PayloadRefused, never retried; anything else is retried later.

Every message carries the outbox's delivery key as its nonce, with enforce_nonce: when the
connection drops after Discord stored a message but before its answer came back, the retry
gets the stored message back instead of posting it twice. Each route's bucket (from
Discord's headers) is discord.py's to keep; the global limit of 50 requests a second is kept
by the client as each request leaves (adapters/discord/pace.py), since discord.py learns it
only from 429s. This messenger adds no limit of its own. A 429 that discord.py gives up on
comes back as a DeliveryError and is retried by the outbox.

A message too long for one Discord message goes out as several, in order, in one call. With
a delivery `key` each part carries the nonce `key-index`. With the outbox's `progress`, it
starts after the parts Discord already took and reports each part Discord takes, which the
outbox records with the row: a retry, or the next process after a crash, sends only what is
left (Discord's nonce forgets after a few minutes; a stale claim is reclaimed after five).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from adapters.discord import render
from adapters.discord.refs import PLATFORM, snowflake
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.ports import DeliveryError, NeedsAdmin, PayloadRefused, Progress, RecipientUnreachable

log = logging.getLogger(__name__)

CANNOT_DM = 50007  # Cannot send messages to this user
UNKNOWN_USER = 10013
UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
BAD_REQUEST = 400  # the payload itself is wrong (50035 Invalid Form Body, …): never retried
NONCE_MAX = 25  # characters Discord takes in a nonce

Posted = Callable[[ChannelRef, OutMessage], Awaitable[None]]


class DiscordMessenger:
    """DMs go to the user's DM channel as an embed with buttons; posts go to the group's
    channel. `on_posted` lets the client react to what it posted (the meeting event)."""

    sends_in_parts = True  # a long message goes as several Discord messages (see `progress`)

    def __init__(
        self,
        client: discord.Client,
        on_posted: Posted | None = None,
    ) -> None:
        self.client = client
        self.on_posted = on_posted

    async def send_dm(
        self,
        user: UserRef,
        message: OutMessage,
        *,
        key: str | None = None,
        progress: Progress | None = None,
    ) -> None:
        uid = snowflake(user.user_id)
        if user.platform != PLATFORM or uid is None:
            raise RecipientUnreachable(f"{user.user_id!r} is not a Discord user")
        out = render.outgoing(message, user.workspace)
        try:
            channel = await self.client.create_dm(discord.Object(id=uid))
            await self._send(channel, out, key, progress)
        except discord.HTTPException as e:
            if e.code in (CANNOT_DM, UNKNOWN_USER):
                raise RecipientUnreachable(f"Discord {e.status}/{e.code}: {e.text}") from e
            raise _sorted(e) from e
        except (TimeoutError, aiohttp.ClientError, OSError) as e:
            raise DeliveryError(f"cannot reach Discord: {type(e).__name__}: {e}") from e

    async def post(
        self,
        channel: ChannelRef,
        message: OutMessage,
        *,
        key: str | None = None,
        progress: Progress | None = None,
    ) -> None:
        cid = snowflake(channel.channel_id or "")
        gid = snowflake(channel.workspace)
        if channel.platform != PLATFORM or cid is None:
            raise RecipientUnreachable(f"{channel.channel_id!r} is not a Discord channel")
        out = render.outgoing(message, channel.workspace)
        target = self.client.get_partial_messageable(cid, guild_id=gid)
        try:
            await self._send(target, out, key, progress)
        except discord.HTTPException as e:
            if e.code in (MISSING_ACCESS, MISSING_PERMISSIONS):
                raise NeedsAdmin(
                    "give Rapport the View Channel, Send Messages, Embed Links and Read"
                    " Message History permissions there (Edit Channel → Permissions)."
                ) from e
            if e.code == UNKNOWN_CHANNEL:
                raise NeedsAdmin(
                    "Discord says the channel no longer exists. If it was replaced, set the"
                    " group up again in the new channel with /rapport setup."
                ) from e
            raise _sorted(e) from e
        except (TimeoutError, aiohttp.ClientError, OSError) as e:
            raise DeliveryError(f"cannot reach Discord: {type(e).__name__}: {e}") from e
        if self.on_posted is not None:
            try:
                await self.on_posted(channel, message)
            except Exception:  # what follows a post never undoes it
                log.exception("after posting %s", message.kind)

    async def _send(
        self,
        target: discord.abc.Messageable,
        parts: list[render.Outgoing],
        key: str | None,
        progress: Progress | None,
    ) -> None:
        """Each part in order, from the first one Discord has not taken yet."""
        done = progress.done if progress is not None else 0
        for i, part in enumerate(parts[done:], done):
            await target.send(**part.send_kwargs(), **_nonce(f"{key}-{i}" if key else None))
            if progress is not None and progress.taken is not None:
                await progress.taken(i + 1, len(parts))


def _nonce(key: str | None) -> dict[str, str]:
    """The delivery key as Discord's nonce (discord.py sends it with enforce_nonce)."""
    if key is None:
        return {}
    if len(key) > NONCE_MAX:
        key = hashlib.sha256(key.encode()).hexdigest()[:NONCE_MAX]
    return {"nonce": key}


def _sorted(e: discord.HTTPException) -> DeliveryError:
    """A 400 says the payload is wrong and will be refused every time; rate limits and
    Discord's own failures are tried again later, with backoff."""
    if e.status == BAD_REQUEST:
        why = "; ".join(line for line in e.text.splitlines() if line)[:300]
        return PayloadRefused(f"Discord refused the message ({e.status}/{e.code}: {why})")
    return DeliveryError(f"Discord {e.status}/{e.code}: {e.text[:200]}")


_MENTION = re.compile(r"<@!?([0-9]{15,20})>")


class DiscordResolver:
    """`<@123>` or `<@!123>` (a mention typed in text) becomes the member, with their name as
    the server shows it. Discord's own typed options never need this."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def resolve(self, raw: str, workspace: str) -> UserRef | None:
        m = _MENTION.fullmatch(raw.strip())
        gid = snowflake(workspace)
        if m is None or gid is None:
            return None
        uid = int(m.group(1))
        guild = self.client.get_guild(gid)
        member = guild.get_member(uid) if guild else None
        if member is not None:
            return UserRef(PLATFORM, workspace, str(uid), member.display_name)
        try:
            data = await self.client.http.get_member(gid, uid)
        except discord.NotFound:
            return None
        user = data["user"]
        name = data.get("nick") or user.get("global_name") or user["username"]
        return UserRef(PLATFORM, workspace, str(uid), name)
