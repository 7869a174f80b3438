"""One command's unit of work: the open transaction, who typed it, where, and when, with the
lookups and the outbox writes every handler shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot import messages
from bot.config import Settings
from bot.events import Event
from bot.model import ChannelRef, Group, Member, UserRef
from bot.out import OutMessage
from bot.stores import UnitOfWork

# DMs that carry a referral's details still come when a member turns DMs off: the details
# go nowhere else (never to a channel), and a corrected email or phone is such a detail.
# So does a seat waiting for an admin to allow it, and what a role holder needs to do their
# duty (a role is taken on, not a nudge one can mute): the vice president hearing a member
# reached the absence limit; the visitor host told of a substitute, of tomorrow's visitors,
# a visitor to follow up or whose seat is taken; the membership committee's renewal notice;
# a member given a presenter or educator slot, or asked to take one, or told a swap's answer.
# The presenters' reminders a week and a day before, the member's own absence warning and
# an inviter's thanks stay nudges.
ESSENTIAL_DMS = frozenset(
    {"referral.received", "lead.received", "referral.edited", "seat.near_match"}
    | {"absence.limit", "sub.host", "renewal.notice"}
    | {"visitors.expected", "visitors.follow_up", "visitor.seat_taken"}
    | {
        f"{slot}.{what}"
        for slot in ("presenter", "educator")
        for what in ("given", "swap_request", "swap_answer")
    }
)


@dataclass(frozen=True)
class Context:
    """Who typed a command, where. `request_key` identifies a platform request (a Slack
    trigger_id, a Discord interaction id) so a retried request is answered, not redone.
    `tz` becomes a new member's time zone until they set their own."""

    actor: UserRef
    channel: ChannelRef
    request_key: str | None = None
    tz: str | None = None  # the actor's time zone as the platform knows it (Slack's users.info)


# scheduled work runs as nobody in particular
SYSTEM = Context(UserRef("system", "", "", "Rapport"), ChannelRef("system", "", None))


class Refusal(Exception):
    """A rule said no. The transaction rolls back and the person sees `message`."""

    def __init__(self, message: OutMessage) -> None:
        super().__init__(message.fallback())
        self.message = message


@dataclass
class Work:
    tx: UnitOfWork
    ctx: Context
    now: datetime
    settings: Settings
    # slow work that must not hold the database's write lock (drawing a chart): run after
    # the transaction commits, before the outbox delivers, on a worker thread; what a job
    # returns, if anything, is a unit of work to commit once it is done (releasing a post
    # that waited for the job's file)
    after_commit: list[Callable[[], Callable[[UnitOfWork], Awaitable[None]] | None]] = field(
        default_factory=list
    )
    # what happened, for the adapters' listeners: published once the transaction committed
    events: list[Event] = field(default_factory=list)
    queued: int = 0  # messages put in the outbox: the dispatcher is woken only for some
    # files a command's reply attaches (an export, a member's data): written once its unit
    # of work is over, off the database's thread; one that raises Refusal replaces the
    # replies with its message (and leaves no file behind)
    files: list[Callable[[], None]] = field(default_factory=list)
    # everyone this unit queued a DM for (sent or not: DMs off), whose own page may have changed
    told: list[UserRef] = field(default_factory=list)

    def emit(self, event: Event) -> None:
        self.events.append(event)

    @property
    def ts(self) -> int:
        return int(self.now.timestamp())

    # --- where and who -------------------------------------------------------------
    async def group(self) -> Group:
        """The group this command is about: the channel's, or, from a DM, the one group the
        person belongs to on this platform."""
        ch = self.ctx.channel
        if ch.channel_id is not None:
            group = await self.tx.groups.by_channel(ch)
            if group is not None:
                return group
        groups = [
            g
            for g in await self.tx.groups.of_user(self.ctx.actor)
            if g.platform == self.ctx.actor.platform
        ]
        if len(groups) == 1:
            return groups[0]
        if len(groups) > 1:
            raise Refusal(messages.several_groups(groups))
        raise Refusal(messages.not_a_group())

    async def group_by_id(self, group_id: int) -> Group | None:
        """A group the actor may act in: same platform and workspace."""
        group = await self.tx.groups.get(group_id)
        a = self.ctx.actor
        if group is None or (group.platform, group.workspace) != (a.platform, a.workspace):
            return None
        return group

    async def actor(self, group: Group) -> Member:
        """The person who typed the command, as an active member of `group`."""
        member = await self.tx.members.get(group.id, self.ctx.actor.user_id)
        if member is None or not member.active:
            raise Refusal(messages.not_a_member(group))
        if self.ctx.actor.display_name and self.ctx.actor.display_name != member.name:
            member = await self.tx.members.update(
                member.id, display_name=self.ctx.actor.display_name
            )
        return member

    async def member_of(self, group: Group, user: UserRef) -> Member:
        """Someone named in a command, who must be an active member of the same group."""
        if (user.platform, user.workspace) != (group.platform, group.workspace):
            raise Refusal(messages.other_platform())
        member = await self.tx.members.get(group.id, user.user_id)
        if member is None or not member.active:
            raise Refusal(messages.user_not_member(user, group))
        return member

    # --- the outbox ----------------------------------------------------------------
    async def dm(
        self, group: Group, member: Member, message: OutMessage, due: int | None = None
    ) -> bool:
        """Queue a DM (for `due`, or now). A member who turned DMs off gets only the DMs
        that carry a referral's details. False: not queued, so a reply must not say the
        member was told."""
        self.told.append(member.user)
        if not member.dm_enabled and message.kind not in ESSENTIAL_DMS:
            return False
        await self.tx.outbox.add(group.id, member.user, message, self.ts, due)
        self.queued += 1
        return True

    async def dms(self, group: Group, queued: list[tuple[Member, OutMessage, int | None]]) -> None:
        """Queue DMs (member, message, due or None) as `dm` each would, in one statement."""
        self.told.extend(m.user for m, _, _ in queued)
        rows = [
            (m.user, message, due)
            for m, message, due in queued
            if m.dm_enabled or message.kind in ESSENTIAL_DMS
        ]
        if rows:
            await self.tx.outbox.add_many(group.id, rows, self.ts)
            self.queued += len(rows)

    async def post(self, group: Group, message: OutMessage) -> None:
        await self.tx.outbox.add(group.id, group.channel, message, self.ts)
        self.queued += 1
