"""The visitor pipeline's rules: recording a visitor, moving one along, who sees what.

A visitor recorded on a meeting's day once it has started came to that meeting (attended,
the old one-step form, and the recap welcomes them); recorded any other time, they are
invited. The visitor host, the admins and the inviter move a visitor forward; a visitor who
joins is seated in one step as the chat member named (`joined @ann`), in the classification
recorded for them, and the invitation stays credited to the inviter.
"""

from __future__ import annotations

from datetime import timedelta

from bot import contacts, messages
from bot.features.leadership.roles import Role, holders
from bot.features.referrals import messages as referral_words
from bot.features.roster import messages as roster_words
from bot.features.roster import seats
from bot.features.visitors import messages as say
from bot.features.visitors import schedule
from bot.features.visitors.commands import MoveVisitor, RecordVisitor, ShowVisitors
from bot.features.visitors.store import CLOSED, STATUSES, Visitor
from bot.grammar import MAX_NAME
from bot.model import Group, Member, UserRef, seat_key
from bot.money import territory
from bot.out import OutMessage
from bot.schedule import local_date, meeting_on
from bot.usage import usage
from bot.work import Refusal, Work

CLOSED_SHOWN_DAYS = 30  # /rapport visitors shows who joined or declined this recently


async def hosts(w: Work, group: Group) -> list[Member]:
    """The visitor host (the admins when nobody holds the role)."""
    return await holders(w, group, Role.VISITOR_HOST)


async def may_see(w: Work, group: Group, me: Member) -> bool:
    """Whether `me` sees every visitor's contact details (the host and the admins do)."""
    return me.is_admin or me.id in {m.id for m in await hosts(w, group)}


async def _at_meeting(w: Work, group: Group) -> bool:
    """Today is a meeting's day and it has started: a visitor recorded now is in the room."""
    if group.meeting is None:
        return False
    today = local_date(w.now, group.tz)
    if today.weekday() != group.meeting.weekday:
        return False
    if today.isoformat() in await w.tx.groups.skips(group.id):
        return False
    return meeting_on(group.meeting, today) <= w.now


async def record_visitor(w: Work, cmd: RecordVisitor) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    inviter = me
    if cmd.invited_by is not None:
        assert isinstance(cmd.invited_by, UserRef)
        inviter = await w.member_of(group, cmd.invited_by)
    try:
        found = contacts.take(cmd.name, None, territory(group.tz))
    except contacts.ContactProblem as e:
        raise Refusal(referral_words.contact_problem(e, group)) from None
    name = found.name
    if not name:
        raise Refusal(usage("visitor", "Write the visitor's name before their details."))
    if len(name) > MAX_NAME:
        raise Refusal(
            usage(
                "visitor",
                f"The visitor's name is too long ({len(name)} characters; at most {MAX_NAME}).",
            )
        )
    status = "attended" if await _at_meeting(w, group) else "invited"
    vid = await w.tx.visitors.add(
        group.id, name, inviter.id, w.ts, status, found.email, found.phone, cmd.classification
    )
    v = await w.tx.visitors.get(group.id, vid)
    assert v is not None
    await schedule.recorded(w, group, v)
    holder = None
    if cmd.classification:
        holder = await w.tx.seats.holder(group.id, seat_key(cmd.classification))
        if holder is not None:
            for host in await hosts(w, group):
                if host.id != me.id:
                    await w.dm(group, host, say.seat_taken_for_host(v, holder))
    return [say.recorded(v, inviter.user, holder)]


async def show_visitors(w: Work, cmd: ShowVisitors) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    since = w.now - timedelta(days=CLOSED_SHOWN_DAYS)
    visitors = await w.tx.visitors.pipeline(group.id, int(since.timestamp()))
    everyone = await may_see(w, group, me)
    sees = {v.id for v in visitors if everyone or v.invited_by == me.id}
    inviters: dict[int, Member] = {}
    for v in visitors:
        if v.invited_by is not None and v.invited_by not in inviters:
            m = await w.tx.members.by_id(v.invited_by)
            if m is not None:
                inviters[m.id] = m
    return [say.pipeline(visitors, inviters, sees)]


async def move_visitor(w: Work, cmd: MoveVisitor) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    v = await w.tx.visitors.get(group.id, cmd.visitor_id)
    if v is None:
        raise Refusal(say.not_found(cmd.visitor_id))
    if v.invited_by != me.id and not await may_see(w, group, me):
        raise Refusal(say.not_allowed())
    if v.status in CLOSED:
        raise Refusal(say.closed(v))
    if cmd.status != "declined" and STATUSES.index(cmd.status) <= STATUSES.index(v.status):
        raise Refusal(say.backwards(v, cmd.status))
    member: Member | None = None
    if cmd.status == "joined" and cmd.member is not None:
        assert isinstance(cmd.member, UserRef)
        member = await _seat(w, group, v, cmd.member)
    await w.tx.visitors.move(v.id, cmd.status, w.ts, cmd.note, member.id if member else None)
    moved = await w.tx.visitors.get(group.id, v.id)
    assert moved is not None
    await schedule.moved(w, group, moved)
    if member is not None and v.invited_by is not None and v.invited_by != me.id:
        inviter = await w.tx.members.by_id(v.invited_by)
        if inviter is not None and inviter.active:
            await w.dm(group, inviter, say.inviter_told(v, member.user))
    return [say.moved(v, cmd.status, member.user if member else None)]


async def _seat(w: Work, group: Group, v: Visitor, user: UserRef) -> Member:
    """The member a visitor became: one already seated, or seated now in the classification
    recorded for the visitor (refused, naming the holder, when that seat is taken)."""
    if (user.platform, user.workspace) != (group.platform, group.workspace):
        raise Refusal(messages.other_platform())
    member = await w.tx.members.get(group.id, user.user_id)
    if member is not None and member.active:
        return member
    if not v.classification:
        raise Refusal(say.needs_seat(v))
    holder = await w.tx.seats.holder(group.id, seat_key(v.classification))
    if holder is not None:
        raise Refusal(roster_words.seat_taken(v.classification, holder))
    seated, _, _ = await seats.seat(w, group, user, member, v.classification, None)
    await w.post(group, roster_words.joined_post(seated, None))
    return seated
