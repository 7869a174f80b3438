"""The core's three doors to the world: Messenger (deliver), Clock (now), Repository (store;
its unit of work and small stores are in bot/stores.py).

Plus the adapter-supplied MentionResolver, which turns a typed mention into a platform user.
Adapters and storage implement these; the core only ever sees the protocols.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.model import (
    ChannelRef,
    UserRef,
)
from bot.out import OutMessage

Target = UserRef | ChannelRef  # a DM to a person, or a post in a channel


class DeliveryError(Exception):
    """The platform did not take the message; the outbox will try again later."""


class RecipientUnreachable(DeliveryError):
    """The platform will never take this message (DMs closed, user gone): do not retry."""


class NeedsAdmin(DeliveryError):
    """The platform refused for a reason a group admin can fix (the bot is not in the
    channel). Retried as usual; the admins are told once, with `str(error)` saying how."""


class Throttled(DeliveryError):
    """The platform asked to wait before this message (a rate limit's Retry-After, which the
    Messenger now knows). The outbox tries the same message again once the Messenger's
    `ready` lets it, giving its delivery slot to others meanwhile; no attempt is counted."""


class NotYet(DeliveryError):
    """The platform would take (the rest of) this message only later: the conversation's
    pacing, or a rate limit's pause the Messenger already knows, has `seconds` to run. Raised
    instead of waiting when the caller waits elsewhere (`Progress.defer`): nothing past what
    `progress` recorded was sent, the outbox gives the delivery slot back, waits in `ready`
    and tries again. Neither an attempt nor a rate limit met."""

    def __init__(self, why: str, seconds: float = 0.0) -> None:
        super().__init__(why)
        self.seconds = seconds


class PayloadRefused(DeliveryError):
    """The platform refused the payload itself (malformed, too long): it would refuse it the
    same way every time, so it is never retried. `str(error)` names the platform's error; the
    group's admins are told once that a message could not be delivered, and why."""


class WorkspaceGone(DeliveryError):
    """The app is no longer in the message's workspace (uninstalled, or its token revoked):
    the message is dropped, never retried, and nobody is told (nobody there can be)."""


class Messenger(Protocol):
    """Delivers one message. `key` is stable across retries of the same outbox row (the
    outbox's `outbox-<id>`), so a platform that de-duplicates (Discord's nonce) can refuse a
    second copy of a message whose first answer was lost on the way back. A messenger that
    sends one OutMessage as several platform messages sends them in order in one call, and
    takes `progress` too (PartedMessenger). Raises a DeliveryError saying what the outbox
    should do: try later, never (RecipientUnreachable, PayloadRefused), tell an admin
    (NeedsAdmin), or wait out a rate limit (Throttled, with `ready`)."""

    async def send_dm(
        self, user: UserRef, message: OutMessage, *, key: str | None = None
    ) -> None: ...

    async def post(
        self, channel: ChannelRef, message: OutMessage, *, key: str | None = None
    ) -> None: ...


@dataclass(frozen=True)
class Progress:
    """How far the delivery of one outbox row got, kept with the row: the platform already
    took the first `done` parts of the message; `taken(n, parts)` is awaited each time it
    takes another, with how many it took so far and how many there are, and records that.
    A retry, or the next process after a crash, starts after the parts recorded."""

    done: int = 0
    taken: Callable[[int, int], Awaitable[None]] | None = None
    # the caller waits out pacing and pauses itself (the outbox, holding no delivery slot
    # meanwhile): raise NotYet instead of waiting inside the call
    defer: bool = False


class PartedMessenger(Messenger, Protocol):
    """A Messenger that may send one OutMessage as several platform messages (a long list)
    says so with `sends_in_parts`; the outbox then passes `progress`, and the messenger sends
    from part `progress.done` on, awaiting `progress.taken` after each part the platform
    took, before it sends the next."""

    sends_in_parts: bool

    async def send_dm(
        self,
        user: UserRef,
        message: OutMessage,
        *,
        key: str | None = None,
        progress: Progress | None = None,
    ) -> None: ...

    async def post(
        self,
        channel: ChannelRef,
        message: OutMessage,
        *,
        key: str | None = None,
        progress: Progress | None = None,
    ) -> None: ...


class PacedMessenger(Messenger, Protocol):
    """A Messenger that knows when the platform will take the next message to a target (its
    per-channel pacing, a rate limit's Retry-After). The outbox waits in `ready` before it
    takes one of its delivery slots, so a paused conversation never holds up the others."""

    async def ready(self, target: Target) -> None: ...

    def wait_for(self, target: Target) -> float:
        """Seconds until the platform would take a message to `target` (0: now), known
        without asking it: a run with many messages waiting hands the rest back until then."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class DatabaseRefused(Exception):
    """The database cannot be used as it is (newer than the code, a schema that does not
    match its version, damaged, not a database, not writable): `str(error)` is one line
    naming the problem and what to do. Raised at start, before anything is written."""


class NotAPerson(Exception):
    """A mention names a platform account that cannot be a member (a bot, a deactivated
    account): raised by a MentionResolver so the core can say so, not ask to re-pick."""


class MentionResolver(Protocol):
    async def resolve(self, raw: str, workspace: str) -> UserRef | None:
        """The user a typed mention names, or None when it is not a mention this platform
        can resolve (a plain `@name` on Slack, say). Raises NotAPerson for a bot or a
        deactivated account."""
        ...


@dataclass(frozen=True)
class OutboxItem:
    """A message claimed for delivery: `claim` (the claim's token) proves it is still ours."""

    id: int
    group_id: int | None
    target: Target
    message: OutMessage
    attempts: int
    claim: str = ""
    parts_sent: int = 0  # parts of it the platform already took (a message sent in several)


@dataclass(frozen=True)
class DueItem:
    """A piece of scheduled work, claimed: `claim` (the claim's token) proves the claim is
    still ours."""

    id: int
    group_id: int
    kind: str
    target_id: int
    occurrence: str
    due_at: int
    claimed_at: int
    claim: str = ""
    note: str | None = None  # what a finished run noted; kept when a clock step reopens it


@dataclass(frozen=True)
class SeatRequest:
    """A join held back because its classification is the same trade as a seated member's,
    waiting for an admin to allow it. `user` need not be a member yet."""

    id: int
    group_id: int
    user: UserRef
    classification: str
    holder_id: int | None
    at: int
