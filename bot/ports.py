"""The core's three doors to the world: Messenger (deliver), Clock (now), Repository (store).

Plus the adapter-supplied MentionResolver, which turns a typed mention into a platform user.
Adapters and storage implement these; the core only ever sees the protocols.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.model import (
    BusinessChange,
    ChannelRef,
    ClosedBusiness,
    Group,
    Kind,
    Meeting,
    Member,
    Referral,
    Stats,
    Status,
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


class PayloadRefused(DeliveryError):
    """The platform refused the payload itself (malformed, too long): it would refuse it the
    same way every time, so it is never retried. `str(error)` names the platform's error; the
    group's admins are told once that a message could not be delivered, and why."""


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


T = TypeVar("T")


class Repository(Protocol):
    """Storage. Every method except `atomic` and `transaction` is called inside one."""

    # True when units of work handed to `atomic` together run one after another in one
    # transaction (SQLite's group commit), so what one reads and plans can be shared with
    # the next; False when they run side by side, each in a transaction of its own
    # (PostgreSQL, on a pool of connections).
    units_in_order: bool

    async def atomic(self, work: Callable[[Repository], Awaitable[T]]) -> T:
        """Run `work(tx)` as one transaction: committed when it returns, rolled back when it
        raises. `work` awaits nothing but `tx`'s methods, so an implementation may run all of
        it at once where the database lives (SQLite: on its connection's thread, in one hop).
        """
        ...

    def transaction(self) -> AbstractAsyncContextManager[Repository]:
        """The same, as a block whose statements are awaited one by one (tests, tools)."""
        ...

    async def close(self) -> None: ...

    # groups
    async def group(self, group_id: int) -> Group | None: ...
    async def group_by_channel(self, channel: ChannelRef) -> Group | None: ...
    async def groups_of_user(self, user: UserRef) -> list[Group]: ...
    async def create_group(
        self,
        channel: ChannelRef,
        name: str,
        tz: str,
        currency: str,
        now: int,
        locale: str | None = None,
    ) -> Group: ...
    async def set_meeting(self, group_id: int, meeting: Meeting) -> None: ...
    async def add_skip(self, group_id: int, day: str) -> bool: ...
    async def skips(self, group_id: int) -> set[str]: ...

    # members
    async def member(self, group_id: int, user_id: str) -> Member | None: ...
    async def member_by_id(self, member_id: int) -> Member | None: ...
    async def members(self, group_id: int) -> list[Member]: ...
    async def add_member(
        self, group_id: int, user: UserRef, is_admin: bool, now: int
    ) -> Member: ...
    async def update_member(self, member_id: int, **fields: Any) -> Member: ...
    async def seat_holder(self, group_id: int, key: str) -> Member | None: ...
    async def take_dm_unreachable(self, user: UserRef) -> bool: ...

    # referrals and leads
    async def add_referral(
        self,
        *,
        group_id: int,
        giver_id: int,
        receiver_id: int,
        kind: Kind,
        prospect: str,
        email: str | None,
        phone: str | None,
        need: str | None,
        heat: int,
        inside: bool,
        now: int,
        request_key: str | None,
        heat_given: bool = True,
    ) -> Referral: ...
    async def referral(self, referral_id: int) -> Referral | None: ...
    async def referrals_of(self, member_id: int, which: str, limit: int) -> list[Referral]: ...
    async def set_referral_status(
        self, referral_id: int, status: Status, amount_cents: int | None, now: int
    ) -> None: ...
    async def add_referral_event(
        self,
        referral_id: int,
        member_id: int,
        status: Status | str,
        note: str | None,
        now: int,
        old_amount_cents: int | None = None,
        new_amount_cents: int | None = None,
    ) -> None: ...
    async def mark_thanked(self, referral_id: int, now: int) -> None: ...

    # correcting records: edits, withdrawals, amount corrections, repeated prospects
    async def edit_referral(
        self,
        referral_id: int,
        *,
        kind: Kind,
        prospect: str,
        email: str | None,
        phone: str | None,
        need: str | None,
        heat: int,
        heat_given: bool,
        now: int,
    ) -> Referral: ...
    async def end_referral(self, referral_id: int, how: str, now: int) -> None: ...
    async def business_of(self, referral_id: int) -> ClosedBusiness | None: ...
    async def business(self, business_id: int) -> ClosedBusiness | None: ...
    async def business_count(self, group_id: int) -> int: ...
    async def correct_business(
        self,
        b: ClosedBusiness,
        amount_cents: int | None,
        repeat: bool,
        *,
        member_id: int,
        note: str | None,
        now: int,
    ) -> None: ...
    async def business_history(self, b: ClosedBusiness) -> list[BusinessChange]: ...
    async def referrals_to_compare(
        self, group_id: int, giver_id: int, receiver_id: int, since: int
    ) -> list[Referral]: ...
    async def referral_history(self, referral_id: int) -> list[dict[str, Any]]: ...

    # closed business, thanks, 1-2-1s
    async def add_closed_business(
        self,
        *,
        group_id: int,
        referral_id: int | None,
        giver_id: int | None,
        receiver_id: int,
        amount_cents: int,
        currency: str,
        note: str | None,
        now: int,
        repeat: bool = False,
    ) -> int: ...
    async def add_thanks(
        self,
        *,
        group_id: int,
        from_id: int,
        to_id: int,
        referral_id: int | None,
        note: str | None,
        now: int,
    ) -> None: ...
    async def recent_one_to_one(
        self, a: int, b: int, since: int
    ) -> tuple[int, int, bool] | None: ...
    async def add_one_to_one(
        self, group_id: int, a: int, b: int, logged_by: int, note: str | None, now: int
    ) -> None: ...
    async def confirm_one_to_one(self, one_to_one_id: int) -> None: ...

    # numbers
    async def stats(
        self, group_id: int, member_id: int | None, since: int, until: int
    ) -> Stats: ...

    # outbox
    async def outbox_add(
        self,
        group_id: int | None,
        target: Target,
        message: OutMessage,
        now: int,
        due: int | None = None,
    ) -> int: ...
    async def outbox_add_many(
        self,
        group_id: int | None,
        queued: list[tuple[Target, OutMessage, int | None]],
        now: int,
    ) -> None:
        """Queue several messages (target, message, due or None), in order, as `outbox_add`
        each would: a reminder minute queues a chapter's nudges in one statement."""
        ...

    async def outbox_claim(
        self, now: int, limit: int, stale_before: int, token: str | None = None
    ) -> list[OutboxItem]: ...
    # each of these changes a row only while it is still `sending` under the item's claim
    async def outbox_sent(self, sent: list[tuple[OutboxItem, int]]) -> int: ...
    async def outbox_retry(
        self, item: OutboxItem, next_attempt_at: int, error: str, delay_from: int | None = None
    ) -> bool: ...
    async def outbox_release(self, items: list[OutboxItem]) -> None: ...
    async def outbox_failed(self, item: OutboxItem, error: str) -> bool: ...
    async def outbox_progress(self, item: OutboxItem, parts: int) -> bool: ...
    async def outbox_renew(self, tokens: list[str], now: int) -> int: ...
    async def outbox_rebase(self, now: int) -> int: ...
    async def outbox_next_due(self) -> int | None: ...

    # scheduled work
    async def due_add(
        self, group_id: int, kind: str, target_id: int, occurrence: str, due_at: int
    ) -> bool: ...
    async def due_claim(
        self, now: int, limit: int, stale_before: int, token: str | None = None
    ) -> list[DueItem]: ...
    async def due_finish(
        self, item: DueItem, state: str, now: int, note: str | None = None
    ) -> bool: ...
    async def due_postpone(self, item: DueItem, due_at: int) -> bool: ...
    async def due_cancel(
        self,
        group_id: int,
        kinds: tuple[str, ...],
        now: int,
        target_id: int | None = None,
        occurrence: str | None = None,
        occurrence_after: str | None = None,
    ) -> int: ...
    async def due_snooze(
        self, group_id: int, target_id: int, kinds: tuple[str, ...], until: int
    ) -> int: ...
    async def due_finished_after(
        self, after: int, kinds: tuple[str, ...]
    ) -> list[tuple[DueItem, str]]: ...
    async def due_reopen(self, item_id: int, note: str | None = None) -> bool: ...
    async def due_last_done(self, group_id: int, kind: str, before: int) -> int | None: ...
    async def due_next(self) -> int | None: ...
    async def due_planned(self, group_id: int, kinds: tuple[str, ...]) -> list[DueItem]: ...
    async def due_pending(self, group_id: int) -> list[DueItem]: ...

    # the admin's settings and open seats
    async def group_settings(self, group_id: int) -> dict[str, str]: ...
    async def set_group_setting(self, group_id: int, key: str, value: str | None) -> None: ...
    async def set_group_currency(self, group_id: int, currency: str) -> None: ...
    async def set_group_locale(self, group_id: int, locale: str | None) -> None: ...
    async def wanted_seats(self, group_id: int) -> list[str]: ...
    async def add_wanted_seat(self, group_id: int, key: str, classification: str) -> bool: ...
    async def remove_wanted_seat(self, group_id: int, key: str) -> bool: ...

    # what reminders and recaps report
    async def last_given_at(self, member_id: int) -> int | None: ...
    async def givers_since(self, group_id: int, since: int) -> set[int]: ...
    async def givers_between(
        self, group_id: int, since: int, until: int
    ) -> list[tuple[int, int, int]]: ...
    async def thanks_between(
        self, group_id: int, since: int, until: int
    ) -> list[tuple[int, int]]: ...

    # attendance and visitors
    async def set_rsvp(self, group_id: int, member_id: int, day: str, rsvp: str) -> None: ...
    async def set_attendance(
        self, group_id: int, member_id: int, day: str, status: str
    ) -> None: ...
    async def attendance_on(
        self, group_id: int, day: str
    ) -> dict[int, tuple[str | None, str | None]]: ...
    async def attendance_of(
        self, member_id: int, since_day: str, until_day: str
    ) -> dict[str, int]: ...
    async def add_visitor(
        self, group_id: int, name: str, invited_by: int | None, now: int
    ) -> None: ...
    async def visitors_between(
        self, group_id: int, since: int, until: int
    ) -> list[tuple[str, int | None]]: ...
    async def member_activity(self, member_id: int, since: int, until: int) -> dict[str, int]: ...

    # members' data
    async def export_rows(
        self,
        group_id: int,
        since: int,
        until: int,
        contacts: bool,
        days: tuple[str, str] | None = None,
        months: list[tuple[str, int, int]] | None = None,
    ) -> dict[str, list[dict[str, Any]]]: ...
    async def member_data(self, member_id: int) -> dict[str, Any]: ...
    async def forget_member(self, member_id: int, now: int) -> None: ...
    async def erase_closed_contacts(self, before: int) -> int: ...
    async def prune_outbox(self, before: int, limit: int) -> int: ...
    async def prune_requests(self, before: int) -> int: ...

    # 1-2-1 suggestions and monthly numbers
    async def last_suggestion(self, member_id: int) -> int | None: ...
    async def add_suggestion(
        self, group_id: int, member_id: int, suggested_id: int, now: int
    ) -> None: ...
    async def last_met(self, member_id: int) -> dict[int, int]: ...
    async def weekly_numbers(
        self, group_id: int, starts: list[int], ends: list[int] | None = None
    ) -> list[tuple[int, int, int]]: ...

    # processed platform requests
    async def request_reply(self, key: str) -> str | None: ...
    async def save_request(self, key: str, reply: str, now: int) -> None: ...

    # seats waiting for an admin, meetings held, a post waiting for its file
    async def add_seat_request(
        self, group_id: int, user: UserRef, classification: str, holder_id: int, now: int
    ) -> SeatRequest: ...
    async def seat_request(self, group_id: int, user_id: str) -> SeatRequest | None: ...
    async def seat_request_by_id(self, request_id: int) -> SeatRequest | None: ...
    async def drop_seat_request(self, group_id: int, user_id: str) -> None: ...
    async def note_meeting_set(self, group_id: int, now: int) -> None: ...
    async def meeting_since(self, group_id: int) -> int | None: ...
    async def outbox_release_held(self, item_id: int, message: OutMessage, due: int) -> None: ...
