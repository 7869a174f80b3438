"""The core's Messenger on Slack: DMs through conversations.open + chat.postMessage, channel
posts through chat.postMessage, at most about one post per second per conversation.

Slack's errors are sorted into the three outcomes the outbox knows: try again later
(DeliveryError), never (RecipientUnreachable: the person cannot get DMs), or try again and
tell the group's admin how to fix it (NeedsAdmin: the bot is not in the channel).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import slack_messages
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.ports import DeliveryError, NeedsAdmin, RecipientUnreachable

log = logging.getLogger(__name__)

BOT_NAME = "Rapport"  # the bot user's display name in manifest.yml
POST_INTERVAL = 1.0  # Slack allows about one message per second per channel
KEYS_KEPT = 10_000  # deliveries whose parts already taken are remembered, the newest

# The person will never take a DM from us: retrying cannot help.
UNREACHABLE = {
    "user_not_found",
    "user_not_visible",
    "user_disabled",
    "cannot_dm_bot",
}


class Pacer:
    """Spaces posts to one conversation POST_INTERVAL apart. The clock and the sleep are
    injected so tests check the spacing without waiting for it."""

    def __init__(
        self,
        interval: float = POST_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self.monotonic = monotonic
        self.sleep = sleep
        self._next: dict[str, float] = {}

    async def wait(self, conversation: str) -> None:
        now = self.monotonic()
        slot = max(now, self._next.get(conversation, now))
        self._next[conversation] = slot + self.interval  # reserved before awaiting: no race
        if len(self._next) > 1000:
            self._next = {k: v for k, v in self._next.items() if v > now}
        if slot > now:
            await self.sleep(slot - now)


def invite_hint(channel: ChannelRef) -> str:
    where = channel.name or "your group's channel"
    return f"Invite me: type /invite @{BOT_NAME} in {where}."


class SlackMessenger:
    """A message too long for one Slack message goes out as several, in order, in one call.
    With a delivery `key` (the outbox's), the parts Slack already took are remembered: when a
    later part fails, the retry with the same key sends only what is left."""

    def __init__(self, client: AsyncWebClient, pacer: Pacer | None = None) -> None:
        self.client = client
        self.pacer = pacer or Pacer()
        self._dm_channels: dict[str, str] = {}
        self._taken: OrderedDict[str, int] = OrderedDict()  # key → parts Slack took

    async def send_dm(self, user: UserRef, message: OutMessage, *, key: str | None = None) -> None:
        conversation = await self._dm_channel(user)
        try:
            await self._post(conversation, message, key)
        except SlackApiError as e:
            if _error(e) == "channel_not_found":
                self._dm_channels.pop(user.user_id, None)  # reopen it on the next try
            raise _for_dm(e) from e
        except (ClientError, TimeoutError) as e:
            raise DeliveryError(f"Slack unreachable: {type(e).__name__}") from e

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None:
        if channel.channel_id is None:
            raise RecipientUnreachable("a group's channel has no Slack id")
        try:
            await self._post(channel.channel_id, message, key)
        except SlackApiError as e:
            raise _for_channel(e, channel) from e
        except (ClientError, TimeoutError) as e:
            raise DeliveryError(f"Slack unreachable: {type(e).__name__}") from e

    async def _dm_channel(self, user: UserRef) -> str:
        """The DM conversation with `user`, opened once and remembered."""
        cached = self._dm_channels.get(user.user_id)
        if cached:
            return cached
        try:
            response = await self.client.conversations_open(users=user.user_id)
        except SlackApiError as e:
            raise _for_dm(e) from e
        except (ClientError, TimeoutError) as e:
            raise DeliveryError(f"Slack unreachable: {type(e).__name__}") from e
        conversation = str(response["channel"]["id"])
        self._dm_channels[user.user_id] = conversation
        return conversation

    async def _post(self, conversation: str, message: OutMessage, key: str | None) -> None:
        parts = slack_messages(message)
        done = self._taken.get(key, 0) if key else 0
        for i, part in enumerate(parts[done:], done):
            await self.pacer.wait(conversation)
            await self.client.chat_postMessage(
                channel=conversation,
                text=part.text,
                blocks=part.blocks,
                unfurl_links=False,
                unfurl_media=False,
            )
            if key:
                self._remember(key, i + 1)
        if done < len(parts) or not parts:
            await self._upload(conversation, message.attachments)

    def _remember(self, key: str, parts: int) -> None:
        self._taken[key] = parts
        self._taken.move_to_end(key)
        while len(self._taken) > KEYS_KEPT:
            self._taken.popitem(last=False)

    async def send_files(self, user: UserRef, paths: tuple[str, ...]) -> None:
        """Hand a member the files a reply carries (an export, their data) in their DM:
        an ephemeral reply cannot carry files."""
        if paths:
            await self._upload(await self._dm_channel(user), paths)

    async def _upload(self, conversation: str, paths: tuple[str, ...]) -> None:
        """Upload files after the message. The message is already posted, so a failed upload
        is logged, not retried (a retry would post the message twice)."""
        for path in paths:
            if not Path(path).is_file():
                log.warning("attachment %s is missing; not uploaded", Path(path).name)
                continue
            try:
                await self.client.files_upload_v2(
                    channel=conversation,
                    file=path,
                    filename=Path(path).name,
                    title=Path(path).name,
                )
            except (SlackApiError, ClientError, TimeoutError, OSError):
                log.warning("could not upload %s", Path(path).name, exc_info=True)


def _error(e: SlackApiError) -> str:
    return str(e.response.get("error", "unknown_error"))


def _for_dm(e: SlackApiError) -> DeliveryError:
    error = _error(e)
    if error in UNREACHABLE:
        return RecipientUnreachable(f"Slack refused the DM: {error}")
    return DeliveryError(f"Slack refused the DM: {error}")


def _for_channel(e: SlackApiError, channel: ChannelRef) -> DeliveryError:
    error = _error(e)
    where = channel.name or "your group's channel"
    if error in ("not_in_channel", "channel_not_found"):
        return NeedsAdmin(invite_hint(channel))
    if error == "is_archived":
        return NeedsAdmin(f"{where} is archived: unarchive it so I can post there.")
    if error == "restricted_action":
        return NeedsAdmin(
            f"{where} does not let me post: allow it in the channel's settings (Posting permissions)."
        )
    return DeliveryError(f"Slack refused the post: {error}")
