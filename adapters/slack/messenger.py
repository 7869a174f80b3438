"""The core's Messenger on Slack: DMs and channel posts through chat.postMessage, at most about
one post per second per conversation, a rate-limited method paused for its workspace only.

A DM is posted to the member's user id, which Slack delivers to the app's own DM with them:
no conversations.open per member, whose budget (Tier 3, about 50 a minute per workspace)
a reminder minute for a big region would spend many times over. conversations.open is asked
only to learn why Slack refused a DM, or where to upload a file for a member.

Under the outbox (`progress.defer`) it never waits inside a call: a conversation's pacing or a
pause it already knows is answered NotYet, and the outbox waits in `ready` holding no slot.
Slack's errors are sorted into the outcomes the outbox knows: wait out the rate limit's pause
and try again (Throttled: the delivery slot is given back meanwhile), try again later
(DeliveryError), never (RecipientUnreachable: the person cannot get DMs; PayloadRefused: Slack
refuses the message itself, as malformed or too long), or try again and tell the group's admin
how to fix it (NeedsAdmin: the bot is not in the channel).

A message too long for one Slack message goes out as several, in order, in one call. With the
outbox's `progress`, it starts after the parts Slack already took and reports each part Slack
takes, which the outbox records with the row: when a later part fails (or is rate-limited),
or the process dies, the retry sends only what is left.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import SlackMessage, slack_messages
from adapters.slack.home import home_view
from adapters.slack.installations import WorkspaceClients
from adapters.slack.limits import RateLimits, calls_for
from bot.features.home.content import Dashboard
from bot.model import ChannelRef, UserRef
from bot.out import OutMessage
from bot.ports import (
    DeliveryError,
    NeedsAdmin,
    NotYet,
    PayloadRefused,
    Progress,
    RecipientUnreachable,
    Throttled,
    WorkspaceGone,
)

log = logging.getLogger(__name__)

BOT_NAME = "Rapport"  # the bot user's display name in manifest.yml
POST_INTERVAL = 1.0  # Slack allows about one message per second per channel
POST = "chat.postMessage"
RENDERED_KEPT = 256  # long messages kept rendered between their parts, at most

# The person will never take a DM from us: retrying cannot help.
UNREACHABLE = {
    "user_not_found",
    "user_not_visible",
    "user_disabled",
    "cannot_dm_bot",
}
PUBLISH = "views.publish"
# Slack refuses a Home tab for good: too big, or the app's Home tab is turned off (manifest)
HOME_REFUSED = {"view_too_large", "not_enabled", "invalid_view"}
# Slack refuses the message itself: it would refuse it the same way every time.
REFUSED = {
    "invalid_blocks",
    "invalid_blocks_format",
    "msg_too_long",
    "msg_blocks_too_long",
    "invalid_arguments",
    "no_text",
    "too_many_attachments",
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

    def left(self, conversation: str) -> float:
        """Seconds until a post to `conversation` would go (0: at once)."""
        return max(0.0, self._next.get(conversation, 0.0) - self.monotonic())

    async def ready(self, conversation: str) -> None:
        """Return once a post to `conversation` would go at once (nothing is reserved)."""
        left = self.left(conversation)
        if left > 0:
            await self.sleep(left)

    def take(self, conversation: str) -> float:
        """Reserve the conversation's next slot; returns the seconds until it comes."""
        now = self.monotonic()
        slot = max(now, self._next.get(conversation, now))
        self._next[conversation] = slot + self.interval  # reserved before awaiting: no race
        if len(self._next) > 1000:
            self._next = {k: v for k, v in self._next.items() if v > now}
        return slot - now

    async def wait(self, conversation: str) -> None:
        left = self.take(conversation)
        if left > 0:
            await self.sleep(left)


def invite_hint(channel: ChannelRef) -> str:
    where = channel.name or "your group's channel"
    return f"Invite me: type /invite @{BOT_NAME} in {where}."


class SlackMessenger:
    sends_in_parts = True  # a long message goes as several Slack messages (see `progress`)

    def __init__(
        self,
        client: AsyncWebClient,
        pacer: Pacer | None = None,
        limits: RateLimits | None = None,
        clients: WorkspaceClients | None = None,
    ) -> None:
        self.client = client
        self.clients = clients  # many workspaces: each message goes with its workspace's token
        self.pacer = pacer or Pacer()
        self.limits = limits or RateLimits(self.pacer.monotonic, self.pacer.sleep)
        # (workspace, user id) → the app's DM with them (for files): user ids are unique
        # across Slack, but a DM channel is one workspace's, opened with its token
        self._dm_channels: dict[tuple[str, str], str] = {}
        # long messages part-way through, told "not yet" between parts: as rendered
        self._rendered: dict[int, tuple[OutMessage, list[SlackMessage]]] = {}

    def wait_for(self, target: UserRef | ChannelRef) -> float:
        """Seconds until a post to `target` would go: its conversation's pacing, or a pause
        of chat.postMessage in its workspace."""
        return max(
            self.pacer.left(_conversation(target)),
            self.limits.paused_for((target.workspace, POST)),
        )

    async def ready(self, target: UserRef | ChannelRef) -> None:
        """Wait out the conversation's pacing and a pause of chat.postMessage in its workspace
        before the outbox gives this message a delivery slot."""
        await self.limits.wait((target.workspace, POST))
        await self.pacer.ready(_conversation(target))

    async def send_dm(
        self,
        user: UserRef,
        message: OutMessage,
        *,
        key: str | None = None,
        progress: Progress | None = None,
    ) -> None:
        try:
            with calls_for(user.workspace):
                await self._post(user.workspace, _conversation(user), message, progress, dm=user)
        except SlackApiError as e:
            raise await self._for_dm(user, e) from e
        except (ClientError, TimeoutError) as e:
            raise DeliveryError(f"Slack unreachable: {type(e).__name__}") from e

    async def post(
        self,
        channel: ChannelRef,
        message: OutMessage,
        *,
        key: str | None = None,
        progress: Progress | None = None,
    ) -> None:
        if channel.channel_id is None:
            raise RecipientUnreachable("a group's channel has no Slack id")
        try:
            with calls_for(channel.workspace):
                await self._post(channel.workspace, channel.channel_id, message, progress)
        except SlackApiError as e:
            raise _for_channel(e, channel) from e
        except (ClientError, TimeoutError) as e:
            raise DeliveryError(f"Slack unreachable: {type(e).__name__}") from e

    async def publish_home(self, user: UserRef, page: Dashboard) -> None:
        """Publish a member's page as their Home tab (views.publish: no scope beyond the bot
        token's, Tier 4 per workspace and limited per person). The outbox gives each person
        one refresh at a time, collapsed while it waits, paced with their DMs."""
        try:
            with calls_for(user.workspace):
                client = await self._client(user.workspace)
                await self.limits.wait((user.workspace, PUBLISH))
                # one call a second per person, their DMs and their Home together (the
                # outbox waited for the slot in `ready`): views.publish is limited per person
                self.pacer.take(_conversation(user))
                with calls_for(user.workspace, own_retries=True):  # a 429: Throttled
                    await client.views_publish(user_id=user.user_id, view=home_view(page))
        except SlackApiError as e:
            error = _error(e)
            if _rate_limited(e):
                raise Throttled(f"Slack rate limit on {PUBLISH}") from e
            if error in REFUSED or error in HOME_REFUSED:
                raise PayloadRefused(f"Slack refused the Home tab ({error})") from e
            if error in UNREACHABLE:
                raise RecipientUnreachable(f"Slack refused the Home tab: {error}") from e
            raise DeliveryError(f"Slack refused the Home tab: {error}") from e
        except (ClientError, TimeoutError) as e:
            raise DeliveryError(f"Slack unreachable: {type(e).__name__}") from e

    async def _post(
        self,
        workspace: str,
        conversation: str,
        message: OutMessage,
        progress: Progress | None,
        dm: UserRef | None = None,
    ) -> None:
        """Each part in order, from the first Slack has not taken yet (Slack keeps no key of
        ours, so what it took is known only from `progress`)."""
        client = await self._client(workspace)
        defer = progress is not None and progress.defer
        if defer:  # checked before rendering: a message told "not yet" is not built for it
            self._not_yet(workspace, conversation)
        parts = self._parts(message, progress)
        done = progress.done if progress is not None else 0
        for i, part in enumerate(parts[done:], done):
            if defer:  # the outbox waits in `ready`, holding no delivery slot meanwhile
                self._not_yet(workspace, conversation)
                self.pacer.take(conversation)
            else:
                await self.pacer.wait(conversation)
                await self.limits.wait((workspace, POST))
            with calls_for(workspace, own_retries=True):  # a 429 comes back as Throttled
                response = await client.chat_postMessage(
                    channel=conversation,
                    text=part.text,
                    blocks=part.blocks,
                    unfurl_links=False,
                    unfurl_media=False,
                )
            if dm is not None and response.get("channel"):
                self._dm_channels[(dm.workspace, dm.user_id)] = str(response["channel"])
            if progress is not None and progress.taken is not None:
                await progress.taken(i + 1, len(parts))
        self._rendered.pop(id(message), None)
        if message.attachments and (done < len(parts) or not parts):
            # Slack answered with the DM's channel: files go there (the message is posted
            # already, so nothing after this may fail the delivery)
            where = (
                self._dm_channels.get((dm.workspace, dm.user_id), "")
                if dm is not None
                else conversation
            )
            await self._upload(client, where, message.attachments)

    async def _client(self, workspace: str) -> AsyncWebClient:
        """The client holding `workspace`'s bot token. WorkspaceGone when the app is no
        longer installed there: the message is dropped, never sent."""
        if self.clients is None:
            return self.client
        client = await self.clients.client(workspace)
        if client is None:
            raise WorkspaceGone(f"Rapport is not installed in Slack workspace {workspace}")
        return client

    def _not_yet(self, workspace: str, conversation: str) -> None:
        left = max(self.pacer.left(conversation), self.limits.paused_for((workspace, POST)))
        if left > 0:
            raise NotYet(f"{POST} to {conversation} in {left:.1f} s", left)

    def _parts(self, message: OutMessage, progress: Progress | None) -> list[SlackMessage]:
        """The message as Slack messages; a long one told "not yet" between its parts keeps
        what it was rendered as until it is done (a few, at most)."""
        if progress is None or not progress.defer:
            return slack_messages(message)
        key = id(message)  # the same object for every try at one outbox row in one run
        kept = self._rendered.get(key)
        if kept is None or kept[0] is not message:
            parts = slack_messages(message)
            if len(parts) > 1:
                self._rendered[key] = (message, parts)
                while len(self._rendered) > RENDERED_KEPT:
                    self._rendered.pop(next(iter(self._rendered)))
            return parts
        return kept[1]

    async def _dm_channel(self, user: UserRef) -> str:
        """The app's DM conversation with `user` (files are uploaded there), opened once."""
        cached = self._dm_channels.get((user.workspace, user.user_id))
        if cached:
            return cached
        client = await self._client(user.workspace)
        with calls_for(user.workspace):
            response = await client.conversations_open(users=user.user_id)
        conversation = str(response["channel"]["id"])
        self._dm_channels[(user.workspace, user.user_id)] = conversation
        return conversation

    async def send_files(self, user: UserRef, paths: tuple[str, ...]) -> None:
        """Hand a member the files a reply carries (an export, their data) in their DM:
        an ephemeral reply cannot carry files."""
        if paths:
            client = await self._client(user.workspace)
            await self._upload(client, await self._dm_channel(user), paths)

    async def _upload(
        self, client: AsyncWebClient, conversation: str, paths: tuple[str, ...]
    ) -> None:
        """Upload files after the message. The message is already posted, so a failed upload
        is logged, not retried (a retry would post the message twice)."""
        for path in paths:
            if not Path(path).is_file():
                log.warning("attachment %s is missing; not uploaded", Path(path).name)
                continue
            try:
                await client.files_upload_v2(
                    channel=conversation,
                    file=path,
                    filename=Path(path).name,
                    title=Path(path).name,
                )
            except (SlackApiError, ClientError, TimeoutError, OSError):
                log.warning("could not upload %s", Path(path).name, exc_info=True)

    async def _for_dm(self, user: UserRef, e: SlackApiError) -> DeliveryError:
        """Why Slack refused a DM. Posting to a user id answers `channel_not_found` for a
        person the app cannot reach; conversations.open says which case it is."""
        error = _error(e)
        if _rate_limited(e):
            return Throttled(f"Slack rate limit on {POST}")
        if error in REFUSED:
            return PayloadRefused(f"Slack refused the message ({error})")
        if error in UNREACHABLE:
            return RecipientUnreachable(f"Slack refused the DM: {error}")
        if error == "channel_not_found":
            self._dm_channels.pop((user.workspace, user.user_id), None)
            try:
                await self._dm_channel(user)
            except SlackApiError as why:
                if _error(why) in UNREACHABLE:
                    return RecipientUnreachable(f"Slack refused the DM: {_error(why)}")
            except (ClientError, TimeoutError):
                pass
        return DeliveryError(f"Slack refused the DM: {error}")


def _conversation(target: UserRef | ChannelRef) -> str:
    """Where chat.postMessage sends: a member's user id (the app's DM with them), or the
    group's channel. Pacing is kept per conversation."""
    if isinstance(target, UserRef):
        return target.user_id
    return target.channel_id or ""


def _error(e: SlackApiError) -> str:
    return str(e.response.get("error", "unknown_error"))


def _rate_limited(e: SlackApiError) -> bool:
    """A 429: the pause is already set for the workspace; the outbox tries again after it."""
    return bool(e.response.status_code == 429)


def _for_channel(e: SlackApiError, channel: ChannelRef) -> DeliveryError:
    error = _error(e)
    where = channel.name or "your group's channel"
    if _rate_limited(e):
        return Throttled(f"Slack rate limit on {POST}")
    if error in REFUSED:
        return PayloadRefused(f"Slack refused the message ({error})")
    if error in ("not_in_channel", "channel_not_found"):
        return NeedsAdmin(invite_hint(channel))
    if error == "is_archived":
        return NeedsAdmin(f"{where} is archived: unarchive it so I can post there.")
    if error == "restricted_action":
        return NeedsAdmin(
            f"{where} does not let me post: allow it in the channel's settings (Posting permissions)."
        )
    return DeliveryError(f"Slack refused the post: {error}")
