"""Keep-in-touch: a member's people outside the group, and the DM when one is due.

Private to the member: every reply is only theirs, the reminder a DM. Each person's next
reminder is one row of due work (kind `keep_in_touch`, keyed by the contact and the start of
its cycle), so it is sent once, waits out quiet hours, and is planned again when the member
marks them done or the reminder goes out.
"""

from __future__ import annotations

from bot import due
from bot.features.keep_in_touch import messages as wording
from bot.features.keep_in_touch.commands import (
    AddKeepInTouch,
    DoneKeepInTouch,
    ListKeepInTouch,
    RemoveKeepInTouch,
)
from bot.features.keep_in_touch.model import Contact
from bot.model import DueState, Group, Member
from bot.out import OutMessage
from bot.ports import DueItem
from bot.reminders import Outcome
from bot.stores import UnitOfWork
from bot.work import Refusal, Work

KIND = "keep_in_touch"
MOST = wording.MOST
WEEK = 7 * 86400


async def _plan(tx: UnitOfWork, group_id: int, c: Contact) -> None:
    await tx.due.add(group_id, KIND, c.id, str(c.last_at), c.due_at)


async def _mine(w: Work) -> tuple[Group, Member, list[Contact]]:
    group = await w.group()
    me = await w.actor(group)
    return group, me, await w.tx.keep_in_touch.of_member(me.id)


def _find(contacts: list[Contact], who: str) -> Contact:
    key = who.strip().casefold()
    for c in contacts:
        if key.isdigit() and c.id == int(key):
            return c
    for c in contacts:
        if " ".join(c.name.casefold().split()) == " ".join(key.split()):
            return c
    raise Refusal(wording.not_found(who))


def _tz(group: Group, me: Member) -> str:
    return me.tz or group.tz


async def show(w: Work, cmd: ListKeepInTouch) -> list[OutMessage]:
    group, me, contacts = await _mine(w)
    return [wording.listed(contacts, _tz(group, me))]


async def add(w: Work, cmd: AddKeepInTouch) -> list[OutMessage]:
    group, me, contacts = await _mine(w)
    same = [c for c in contacts if c.name.casefold() == cmd.name.casefold()]
    if same:
        raise Refusal(wording.already(same[0]))
    if len(contacts) >= MOST:
        raise Refusal(wording.too_many())
    c = await w.tx.keep_in_touch.add(me.id, cmd.name, cmd.every_weeks, w.ts)
    await _plan(w.tx, group.id, c)
    return [wording.added(c, _tz(group, me))]


async def remove(w: Work, cmd: RemoveKeepInTouch) -> list[OutMessage]:
    group, _me, contacts = await _mine(w)
    c = _find(contacts, cmd.who)
    await w.tx.due.cancel(group.id, (KIND,), w.ts, target_id=c.id)
    await w.tx.keep_in_touch.remove(c.id)
    return [wording.removed(c)]


async def done(w: Work, cmd: DoneKeepInTouch) -> list[OutMessage]:
    group, me, contacts = await _mine(w)
    c = _find(contacts, cmd.who)
    await w.tx.due.cancel(group.id, (KIND,), w.ts, target_id=c.id)
    c = await w.tx.keep_in_touch.touched(c.id, w.ts)
    await _plan(w.tx, group.id, c)
    return [wording.done(c, _tz(group, me))]


async def run(w: Work, item: DueItem, group: Group) -> Outcome:
    """A keep-in-touch reminder is due: DM the member (outside their quiet hours) with
    their own ask to mention, and plan the next one a cycle on."""
    c = await w.tx.keep_in_touch.get(item.target_id)
    if c is None:
        return Outcome(DueState.CANCELLED, "removed")
    if str(c.last_at) != item.occurrence:
        return Outcome(DueState.CANCELLED, "done since")
    member = await w.tx.members.by_id(c.member_id)
    if member is None or not member.active or member.group_id != group.id:
        return Outcome(DueState.CANCELLED, "the member left")
    end = due.quiet_until(member, group, w.settings.quiet_hours, w.now)
    if end is not None:
        return Outcome(DueState.POSTPONED, "quiet hours", int(end.timestamp()))
    await w.dm(group, member, wording.due_dm(c, member.ask))
    # the next one a cycle after this one was due (quiet hours don't make it drift), or
    # after now when this went out more than a cycle late
    start = c.due_at if w.ts - c.due_at < c.every_weeks * WEEK else w.ts
    after = await w.tx.keep_in_touch.touched(c.id, start)
    await _plan(w.tx, group.id, after)
    return Outcome(DueState.DONE)
