"""Storage, as the core sees it: small stores reached from one unit of work.

A command runs as one unit of work (`Repository.atomic`): `tx.groups`, `tx.members`,
`tx.referrals` … each hold one area's reads and writes, all in the unit's one transaction,
committed together or not at all. Times are UTC epoch seconds (`int`), flags are `bool`:
a backend converts to and from its own column types. A read-only unit (`Repository.read`)
refuses writes, so a command that only reads never takes the database's write lock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypedDict, TypeVar, Unpack

from bot.features.cards.model import CardDetails
from bot.features.keep_in_touch.model import Contact
from bot.features.presenters.store import SlotStore
from bot.features.renewals.store import TermsStore
from bot.features.visitors.store import VisitorStore
from bot.model import (
    BusinessChange,
    ChannelRef,
    ClosedBusiness,
    DueState,
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
from bot.ports import DueItem, OutboxItem, SeatRequest, Target

T = TypeVar("T")


class MemberChanges(TypedDict, total=False):
    """What `MemberStore.update` may change about a member."""

    display_name: str
    classification: str | None
    seat_key: str | None
    ask: str | None
    email: str | None
    tz: str | None
    quiet_hours: str | None
    dm_enabled: bool
    is_admin: bool
    active: bool
    dm_unreachable_at: int | None
    suggestions: bool


class GroupStore(Protocol):
    """Chapters: where each lives, its meeting, skipped weeks and the admin's settings."""

    async def get(self, group_id: int) -> Group | None: ...
    async def by_channel(self, channel: ChannelRef) -> Group | None: ...
    async def of_user(self, user: UserRef) -> list[Group]: ...
    async def create(
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
    async def settings(self, group_id: int) -> dict[str, str]: ...
    async def set_setting(self, group_id: int, key: str, value: str | None) -> None: ...
    async def set_currency(self, group_id: int, currency: str) -> None: ...
    async def set_locale(self, group_id: int, locale: str | None) -> None: ...
    async def note_meeting_set(self, group_id: int, now: int) -> None:
        """The first time a group sets its weekly meeting; later changes keep that date."""
        ...

    async def meeting_since(self, group_id: int) -> int | None: ...
    async def delivery_problem(self, group_id: int) -> str | None:
        """What the group's admins were last told stops its posts (None: nothing now)."""
        ...

    async def set_delivery_problem(self, group_id: int, problem: str | None) -> None: ...


class MemberStore(Protocol):
    """The roster and each member's profile."""

    async def get(self, group_id: int, user_id: str) -> Member | None: ...
    async def by_id(self, member_id: int) -> Member | None: ...
    async def of_group(self, group_id: int) -> list[Member]: ...
    async def add(self, group_id: int, user: UserRef, is_admin: bool, now: int) -> Member: ...
    async def update(self, member_id: int, **fields: Unpack[MemberChanges]) -> Member: ...
    async def take_dm_unreachable(self, user: UserRef) -> bool:
        """Whether a DM to this person was refused since they last heard about it; clears it."""
        ...

    async def dm_unreachable(self, user: UserRef) -> bool:
        """Whether a DM to this person was refused since they last heard about it (a read)."""
        ...


class SeatStore(Protocol):
    """Trades' seats: who holds one, the seats wanted, joins waiting for an admin."""

    async def holder(self, group_id: int, key: str) -> Member | None: ...
    async def wanted(self, group_id: int) -> list[str]: ...
    async def add_wanted(self, group_id: int, key: str, classification: str) -> bool: ...
    async def remove_wanted(self, group_id: int, key: str) -> bool: ...
    async def add_request(
        self, group_id: int, user: UserRef, classification: str, holder_id: int, now: int
    ) -> SeatRequest:
        """Remember (or renew) a person's request for a seat in a trade already held."""
        ...

    async def request(self, group_id: int, user_id: str) -> SeatRequest | None: ...
    async def request_by_id(self, request_id: int) -> SeatRequest | None: ...
    async def drop_request(self, group_id: int, user_id: str) -> None: ...


class ReferralStore(Protocol):
    """Referrals and leads, their status, history and corrections."""

    async def add(
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
        source: str | None = None,
    ) -> Referral: ...
    async def get(self, referral_id: int) -> Referral | None: ...
    async def given_by_source(self, giver_id: int, since: int, until: int) -> dict[str, int]:
        """What a member gave in [since, until) that said its source, counted by source."""
        ...

    async def of_member(self, member_id: int, which: str, limit: int) -> list[Referral]:
        """A member's referrals and leads, newest first: given, received, open (received and
        not closed), given_open (given and not closed) or all. Newest is the last logged (the
        highest id), whatever the clock said when each was logged: a clock set back must not
        reorder them."""
        ...

    async def set_status(
        self, referral_id: int, status: Status, amount_cents: int | None, now: int
    ) -> None: ...
    async def add_event(
        self,
        referral_id: int,
        member_id: int,
        status: Status | str,
        note: str | None,
        now: int,
        old_amount_cents: int | None = None,
        new_amount_cents: int | None = None,
    ) -> None:
        """A line of the referral's history: a status change, or (by name) "edited",
        "withdrawn", "amount" (with the amounts), "also_referred"."""
        ...

    async def mark_thanked(self, referral_id: int, now: int) -> None: ...
    async def edit(
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
    ) -> Referral:
        """The giver's corrected details; a lead given an email or phone becomes a referral."""
        ...

    async def end(self, referral_id: int, how: str, now: int) -> None:
        """Close a referral for good without an outcome: withdrawn, or its receiver forgotten."""
        ...

    async def to_compare(
        self, group_id: int, giver_id: int, receiver_id: int, since: int
    ) -> list[Referral]:
        """The referrals a new one from `giver_id` to `receiver_id` could repeat: any in the
        group since `since`, and the pair's own that are still open, however old. Withdrawn
        ones count for nothing."""
        ...

    async def history(self, referral_id: int) -> list[dict[str, Any]]:
        """A referral's history, oldest first: status changes, edits, corrections."""
        ...


class BusinessStore(Protocol):
    """Closed business and corrections to its amount."""

    async def add(
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
    async def of_referral(self, referral_id: int) -> ClosedBusiness | None:
        """The closed business recorded for a referral, if it counts."""
        ...

    async def get(self, business_id: int) -> ClosedBusiness | None: ...
    async def count(self, group_id: int) -> int:
        """How many amounts the group has recorded (that count)."""
        ...

    async def correct(
        self,
        b: ClosedBusiness,
        amount_cents: int | None,
        repeat: bool,
        *,
        member_id: int,
        note: str | None,
        now: int,
    ) -> None:
        """Replace closed business's amount or new/repeat, or (`amount_cents` None) take it
        out of every count; its history keeps what it was, who changed it and why."""
        ...

    async def history(self, b: ClosedBusiness) -> list[BusinessChange]:
        """What closed business was before, oldest first: its corrections, and those made
        before this history was kept (a referral's "amount" events)."""
        ...


class ThanksStore(Protocol):
    """Who thanked whom."""

    async def add(
        self,
        *,
        group_id: int,
        from_id: int,
        to_id: int,
        referral_id: int | None,
        note: str | None,
        now: int,
    ) -> None: ...
    async def between(self, group_id: int, since: int, until: int) -> list[tuple[int, int]]: ...


class OneToOneStore(Protocol):
    """1-2-1s and the suggestions of whom to meet next."""

    async def recent(self, a: int, b: int, since: int) -> tuple[int, int, bool] | None:
        """The latest 1-2-1 of this pair since `since`: (id, logged_by, confirmed)."""
        ...

    async def add(
        self, group_id: int, a: int, b: int, logged_by: int, note: str | None, now: int
    ) -> None: ...
    async def confirm(self, one_to_one_id: int) -> None: ...
    async def last_suggestion(self, member_id: int) -> int | None: ...
    async def add_suggestion(
        self, group_id: int, member_id: int, suggested_id: int, now: int
    ) -> None: ...
    async def last_met(self, member_id: int) -> dict[int, int]:
        """Other member id → when this member last had a 1-2-1 with them."""
        ...


class NumbersStore(Protocol):
    """Counts for stats, recaps, reminders and charts (reads only)."""

    async def stats(self, group_id: int, member_id: int | None, since: int, until: int) -> Stats:
        """Counts for [since, until): one member's, or the whole group's when member_id is None."""
        ...

    async def givers_since(self, group_id: int, since: int) -> set[int]:
        """The members of a group who gave a referral or lead at or after `since`."""
        ...

    async def givers_between(
        self, group_id: int, since: int, until: int
    ) -> list[tuple[int, int, int]]:
        """(member id, referrals given, leads given) for members who gave, most first."""
        ...

    async def activity(
        self, windows: list[tuple[int, int]], until: int
    ) -> dict[int, dict[str, int]]:
        """For each (member id, since): what the member did in [since, until): given
        referrals and leads, 1-2-1s, closed business reported (as receiver), visitors
        invited. Counts only, never amounts. All members in one read."""
        ...

    async def weekly(
        self, group_id: int, starts: list[int], ends: list[int] | None = None
    ) -> list[tuple[int, int, int]]:
        """(referrals, leads, closed business cents) for each week from `starts` to `ends`
        (the group's local weeks: a week across a clock change is not 7 × 86400 s long);
        without `ends`, 7 days from each start."""
        ...


class AttendanceStore(Protocol):
    """RSVPs, attendance and visitors."""

    async def set_rsvp(self, group_id: int, member_id: int, day: str, rsvp: str) -> None: ...
    async def set_status(self, group_id: int, member_id: int, day: str, status: str) -> None: ...
    async def on_day(self, group_id: int, day: str) -> dict[int, tuple[str | None, str | None]]:
        """member id → (rsvp, confirmed status) for one meeting."""
        ...

    async def of_members(
        self, windows: list[tuple[int, str]], until_day: str
    ) -> dict[int, dict[str, int]]:
        """For each (member id, since day): how often the member was present, late, absent or
        sent a substitute (confirmed) from that day until `until_day`. All in one read."""
        ...

    async def add_visitor(
        self, group_id: int, name: str, invited_by: int | None, now: int
    ) -> None: ...
    async def visitors_between(
        self, group_id: int, since: int, until: int
    ) -> list[tuple[str, int | None]]: ...


class OutboxStore(Protocol):
    """Messages queued for delivery, claimed under a token; every change after a claim
    is fenced by it (False or 0 when the claim was lost)."""

    async def add(
        self,
        group_id: int | None,
        target: Target,
        message: OutMessage,
        now: int,
        due: int | None = None,
    ) -> int:
        """Queue a message, to go at once, or at `due` (a moment in the calendar)."""
        ...

    async def add_many(
        self,
        group_id: int | None,
        queued: Sequence[tuple[Target, OutMessage, int | None]],
        now: int,
    ) -> None:
        """Queue several messages in one statement, in order, as `outbox_add` each."""
        ...

    async def add_refresh(self, user: UserRef, message: OutMessage, now: int) -> bool:
        """Queue `message` (a page built when it is delivered: Slack's Home tab) for `user`,
        in a lane of its own, unless one is still waiting there: a burst of changes is one
        delivery. False when one was already waiting."""
        ...

    async def claim(
        self, now: int, limit: int, stale_before: int, token: str | None = None
    ) -> list[OutboxItem]:
        """Claim up to `limit` due messages under `token`, at most one per conversation: the
        first one still to go out there. A row left 'sending' since before `stale_before` (its
        process died) is claimed again."""
        ...

    async def sent(self, sent: list[tuple[OutboxItem, int]]) -> int:
        """Mark messages the platform took (each with when); returns how many were still
        this claim's (a row taken over by another worker is left to it)."""
        ...

    async def retry(
        self, item: OutboxItem, next_attempt_at: int, error: str, delay_from: int | None = None
    ) -> bool:
        """Try again at `next_attempt_at`: a delay measured from `delay_from` (the attempt)."""
        ...

    async def rebase(self, now: int) -> int:
        """Messages waiting out a delay that began at an instant this clock has not reached
        (the clock was set back since) wait the delay from `now` instead: never longer than
        the delay, however far the clock went back. Messages due at a moment in the calendar
        (quiet hours' end) keep it. Along outbox_delay, named: outbox_due would read every
        pending message, a reminder minute's backlog, at every tick."""
        ...

    async def failed(self, item: OutboxItem, error: str) -> bool: ...
    async def progress(self, item: OutboxItem, parts: int) -> bool:
        """The platform took the first `parts` parts of a message sent in several: a later
        claim of the row starts after them. False when the claim is no longer this one's."""
        ...

    async def release(self, items: list[OutboxItem]) -> None:
        """Hand back claimed messages that were never tried: pending again at once, the
        claim's attempt not counted; only while the claim is still theirs."""
        ...

    async def put_back(self, item: OutboxItem, next_attempt_at: int, now: int) -> bool:
        """Pending again, untried (no attempt counted), due at `next_attempt_at`."""
        ...

    async def renew(self, tokens: list[str], now: int) -> int:
        """Keep claims that are still being worked on from going stale (a long wait for a
        platform's rate limit)."""
        ...

    async def next_due(self) -> int | None:
        """When the next message may go out: the earliest next attempt among messages first
        in their conversation (one behind another waits for it, whatever its own time)."""
        ...

    async def prune(self, before: int, limit: int) -> int:
        """Up to `limit` messages delivered or given up on before `before`: a receiver's DM
        keeps the prospect's email and phone in its stored copy."""
        ...

    async def release_held(self, item_id: int, message: OutMessage, due: int) -> None:
        """Send a held message (queued with a later due time) at `due`, as `message`: the
        monthly recap, once its chart is drawn or known not to be."""
        ...


class DueStore(Protocol):
    """Scheduled work: planned once, claimed under a token, finished or put off."""

    async def add(
        self, group_id: int, kind: str, target_id: int, occurrence: str, due_at: int
    ) -> bool:
        """Plan a piece of work once: the same (kind, group, target, occurrence) is ignored
        unless it was cancelled, in which case it is planned again at the new time."""
        ...

    async def claim(
        self, now: int, limit: int, stale_before: int, token: str | None = None
    ) -> list[DueItem]:
        """Claim what is due, oldest first, under `token`; a row left 'running' by a crashed
        process since before `stale_before` is claimed again."""
        ...

    async def finish(
        self, item: DueItem, state: DueState, now: int, note: str | None = None
    ) -> bool:
        """Close a claimed row; False when the claim was lost (another process reclaimed it),
        in which case the caller rolls back what it did."""
        ...

    async def postpone(self, item: DueItem, due_at: int) -> bool: ...
    async def cancel(
        self,
        group_id: int,
        kinds: tuple[str, ...],
        now: int,
        target_id: int | None = None,
        occurrence: str | None = None,
        occurrence_after: str | None = None,
    ) -> int: ...
    async def snooze(
        self, group_id: int, target_id: int, kinds: tuple[str, ...], until: int
    ) -> int: ...
    async def finished_after(
        self, after: int, kinds: tuple[str, ...]
    ) -> list[tuple[DueItem, DueState]]:
        """Group work of these kinds done or dropped after `after`, with its state: only a
        clock set back finds any."""
        ...

    async def last_done(self, group_id: int, kind: str, before: int) -> int | None:
        """When the group's last work of this kind that ran was due, before `before`."""
        ...

    async def reopen(self, item_id: int, note: str | None = None) -> bool:
        """Plan a finished row again, at its own due time; `note` tells its next run why."""
        ...

    async def next(self) -> int | None: ...
    async def pending_of(self, group_id: int, target_id: int) -> list[DueItem]:
        """What is still planned about one thing of the group (a referral's nudges)."""
        ...

    async def planned(self, group_id: int, kinds: tuple[str, ...]) -> list[DueItem]:
        """The group's own work of these kinds still pending (not a referral's)."""
        ...


class PrivacyStore(Protocol):
    """Members' data: exports, a member's own data, forgetting, erasing old contacts."""

    async def export_rows(
        self,
        group_id: int,
        since: int,
        until: int,
        contacts: bool,
        days: tuple[str, str] | None = None,
        months: list[tuple[str, int, int]] | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """The group's records in [since, until) as rows, names joined in. Prospect contact
        details only when asked for; closed business without per-member amounts (those are
        private to the receiver), with the group's monthly totals beside it. Attendance is
        kept by the group's local meeting day: `days` is [first, after last) as YYYY-MM-DD
        (without it, the UTC days of `since` and `until`), and the totals by the group's
        local `months`, each (label, first instant, next month's first instant) (without
        them, by UTC month)."""
        ...

    async def member_data(self, member_id: int) -> dict[str, Any]:
        """Everything stored about one member, for them to take away."""
        ...

    async def forget_member(self, member_id: int, now: int) -> None:
        """Erase a member's personal data. Their rows stay, as an anonymous "former member",
        so the group's counts and totals do not change. Other members' work stays theirs:
        a prospect the member gave that its receiver is still working on stays with the
        receiver, whole; one passed to the member stays in its giver's record (by name and
        need; an open one, closed as such before this, whole); the prospects of the rest the
        member gave are erased; and only the member's own notes go."""
        ...

    async def erase_closed_contacts(self, before: int, group_id: int | None = None) -> int:
        """Prospects' email and phone on referrals closed (won or lost) before `before`, in
        one group's referrals (or every group's)."""
        ...


class RequestStore(Protocol):
    """Platform requests already answered, so a retry is answered, not redone."""

    async def reply(self, key: str) -> str | None: ...
    async def save(self, key: str, reply: str, now: int) -> None: ...
    async def prune(self, before: int) -> int:
        """Forget handled platform requests older than `before`: a platform retries within
        minutes, and the stored replies name members."""
        ...


class RoleStore(Protocol):
    """Leadership roles (bot/features/leadership/roles.py): who holds which, by role name."""

    async def of_group(self, group_id: int) -> dict[int, list[str]]:
        """Active member id → the roles they hold."""
        ...

    async def holders(self, group_id: int, role: str) -> list[int]:
        """The active members holding `role`, longest-serving first."""
        ...

    async def give(self, group_id: int, member_id: int, role: str, now: int) -> bool:
        """False when the member already held it."""
        ...

    async def take(self, group_id: int, member_id: int, role: str | None = None) -> list[str]:
        """Take one role (or, with None, every role) from a member; the roles taken."""
        ...


class PalmsStore(Protocol):
    """PALMS (bot/features/leadership): substitutes, the absence rule's counts and notices,
    and each member's numbers for the PALMS report. Days are meetings' local dates."""

    async def set_substitute(
        self, group_id: int, member_id: int, day: str, name: str, email: str | None
    ) -> None: ...
    async def substitutes(self, group_id: int, day: str) -> list[tuple[int, str, str | None]]:
        """(member id, substitute's name, email) expected or recorded on one meeting day."""
        ...

    async def counted_days(
        self, member_id: int, since_day: str, until_day: str, states: list[str]
    ) -> list[str]:
        """The meeting days in [since_day, until_day] the member's record is one of `states`."""
        ...

    async def note_notice(
        self, group_id: int, member_id: int, day: str, kind: str, now: int
    ) -> bool:
        """Remember that the absence on `day` set off a notice; False: it already had."""
        ...

    async def noticed_since(self, member_id: int, kind: str, since: str) -> bool:
        """Whether an absence on or after `since` already set off a notice of this kind."""
        ...

    async def report(
        self, group_id: int, since_day: str, until_day: str, since: int, until: int
    ) -> dict[int, dict[str, int]]:
        """Member id → attendance by status, given_/received_inside/outside, visitors,
        one_to_ones, business_cents."""
        ...


class WorkspaceStore(Protocol):
    """Workspaces the app was taken out of (the rules are bot.workspaces')."""

    async def left(self, platform: str, workspace: str, reason: str, now: int) -> int:
        """Record that the app left `workspace` (the first departure's time is kept) and fail
        every message queued for it, not yet going out, with `reason`. Returns how many."""
        ...

    async def back(self, platform: str, workspace: str) -> bool:
        """The app is back in `workspace`: nothing of it is erased. False if it never left."""
        ...

    async def gone(self, platform: str, workspace: str) -> bool: ...
    async def left_before(self, before: int) -> list[tuple[str, str]]: ...
    async def erase(self, platform: str, workspace: str, now: int) -> int: ...

    # the app's installation in a workspace, where the platform has one (Slack)
    async def installed_at(self, platform: str, workspace: str) -> int | None:
        """When the app's current installation in `workspace` was saved; None when it is not
        installed there (or the platform keeps no installations)."""
        ...

    async def uninstall(self, platform: str, workspace: str) -> int:
        """Forget the app's installation (its token) in `workspace`."""
        ...

    async def prune_install_states(self, now: int) -> int:
        """Forget the install links (OAuth states) that expired before `now`, never used."""
        ...


class CalendarFeedStore(Protocol):
    """A group's private calendar feed: only the token's hash is stored."""

    async def set(self, group_id: int, token_hash: str, now: int) -> None:
        """Turn the feed on with this token, replacing any earlier one."""
        ...

    async def drop(self, group_id: int) -> bool:
        """Turn the feed off; False when it was not on."""
        ...

    async def group_of(self, token_hash: str) -> int | None: ...

    async def is_on(self, group_id: int) -> bool: ...


class CardStore(Protocol):
    """What members chose to share on their cards."""

    async def get(self, member_id: int) -> CardDetails: ...

    async def of_group(self, group_id: int) -> dict[int, CardDetails]:
        """Active members' card details by member id (members without any: absent)."""
        ...

    async def set_phone(self, member_id: int, phone: str | None) -> None: ...

    async def set_website(self, member_id: int, website: str | None) -> None: ...

    async def set_share_email(self, member_id: int, share: bool) -> None: ...


class KeepInTouchStore(Protocol):
    """The people each member keeps in touch with, private to the member."""

    async def of_member(self, member_id: int) -> list[Contact]: ...

    async def get(self, contact_id: int) -> Contact | None: ...

    async def add(self, member_id: int, name: str, every_weeks: int, now: int) -> Contact: ...

    async def remove(self, contact_id: int) -> None: ...

    async def touched(self, contact_id: int, now: int) -> Contact:
        """They were in touch now: the next reminder is `every_weeks` from here."""
        ...


class UnitOfWork(Protocol):
    """One transaction's stores: what a command (or a piece of due work) reads and changes."""

    @property
    def groups(self) -> GroupStore: ...
    @property
    def members(self) -> MemberStore: ...
    @property
    def seats(self) -> SeatStore: ...
    @property
    def referrals(self) -> ReferralStore: ...
    @property
    def business(self) -> BusinessStore: ...
    @property
    def thanks(self) -> ThanksStore: ...
    @property
    def one_to_ones(self) -> OneToOneStore: ...
    @property
    def numbers(self) -> NumbersStore: ...
    @property
    def attendance(self) -> AttendanceStore: ...
    @property
    def slots(self) -> SlotStore: ...  # the presenter rotation
    @property
    def visitors(self) -> VisitorStore: ...  # the visitor pipeline
    @property
    def terms(self) -> TermsStore: ...  # renewals and leave
    @property
    def outbox(self) -> OutboxStore: ...
    @property
    def due(self) -> DueStore: ...
    @property
    def privacy(self) -> PrivacyStore: ...
    @property
    def requests(self) -> RequestStore: ...
    @property
    def workspaces(self) -> WorkspaceStore: ...
    @property
    def roles(self) -> RoleStore: ...
    @property
    def palms(self) -> PalmsStore: ...
    @property
    def calendar_feeds(self) -> CalendarFeedStore: ...
    @property
    def cards(self) -> CardStore: ...
    @property
    def keep_in_touch(self) -> KeepInTouchStore: ...


class Repository(Protocol):
    """The database: runs units of work."""

    # True when units of work handed to `atomic` together run one after another in one
    # transaction (SQLite's group commit), so what one reads and plans can be shared with
    # the next; False when they run side by side, each in a transaction of its own
    # (PostgreSQL, on a pool of connections).
    units_in_order: bool

    async def atomic(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work(tx)` as one transaction: committed when it returns, rolled back when it
        raises. `work` awaits nothing but `tx`'s stores, so an implementation may run all of
        it at once where the database lives (SQLite: on its connection's thread, in one hop).
        """
        ...

    async def read(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run `work(tx)` in a read-only transaction: it sees one consistent state and takes
        no write lock; a write in it fails (and is a bug). Same rules as `atomic`."""
        ...

    def transaction(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """The same as `atomic`, as a block whose statements are awaited one by one (tests,
        tools)."""
        ...

    async def close(self) -> None: ...
