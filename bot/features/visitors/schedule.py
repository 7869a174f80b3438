"""The visitor pipeline's scheduled work: the visitor host's DM the evening before a meeting
naming the visitors expected; a DM when a visitor who attended has not moved on in 3 days
("follow up with Ann: applied?"); and, 180 days after a visitor was recorded, the erasure of
their email and phone unless they joined."""

from __future__ import annotations

from bot import due
from bot.features.leadership.roles import Role, holders
from bot.features.presenters.due import meeting_still_on
from bot.features.visitors import messages as say
from bot.features.visitors.store import Visitor
from bot.model import DueState, Group, Member
from bot.ports import DueItem
from bot.reminders import Outcome
from bot.schedule import meeting_date
from bot.work import Work

FOLLOW_UP = "visitor.follow_up"
ERASE = "visitor.erase"
VISITOR_KINDS = (FOLLOW_UP, ERASE)


async def recorded(w: Work, group: Group, v: Visitor) -> None:
    if v.email or v.phone:
        await w.tx.due.add(group.id, ERASE, v.id, "1", v.at + say.KEEP_DAYS * 86400)
    await moved(w, group, v)


async def moved(w: Work, group: Group, v: Visitor) -> None:
    """A visitor who attended is followed up if they have not moved on in 3 days."""
    await w.tx.due.cancel(group.id, (FOLLOW_UP,), w.ts, target_id=v.id)
    if v.status == "attended":
        await w.tx.due.add(
            group.id, FOLLOW_UP, v.id, f"attended@{w.ts}", w.ts + say.FOLLOW_UP_DAYS * 86400
        )


def _quiet(w: Work, group: Group, m: Member) -> int | None:
    end = due.quiet_until(m, group, w.settings.quiet_hours, w.now)
    return int(end.timestamp()) if end else None


async def _inviters(w: Work, visitors: list[Visitor]) -> dict[int, Member]:
    out: dict[int, Member] = {}
    for v in visitors:
        if v.invited_by is not None and v.invited_by not in out:
            m = await w.tx.members.by_id(v.invited_by)
            if m is not None:
                out[m.id] = m
    return out


async def run_expected(w: Work, item: DueItem, group: Group) -> Outcome:
    """The evening before a meeting: the visitor host hears who is expected (if anyone)."""
    if (ended := await meeting_still_on(w, item, group)) is not None:
        return ended
    assert group.meeting is not None
    coming = await w.tx.visitors.with_status(group.id, ("invited", "confirmed"))
    if not coming:
        return Outcome(DueState.DONE, "no visitors expected")
    day = meeting_date(group.meeting, due.meeting_of(item.occurrence))
    inviters = await _inviters(w, coming)
    for host in await holders(w, group, Role.VISITOR_HOST):
        await w.dm(group, host, say.expected(day, coming, inviters), _quiet(w, group, host))
    return Outcome(DueState.DONE)


async def run(w: Work, item: DueItem, group: Group) -> Outcome:
    v = await w.tx.visitors.get(group.id, item.target_id)
    if v is None:
        return Outcome(DueState.CANCELLED, "no such visitor")
    if item.kind == ERASE:
        if v.status == "joined":
            return Outcome(DueState.CANCELLED, "they joined")
        erased = await w.tx.visitors.erase_contacts(v.id)
        return Outcome(DueState.DONE, None if erased else "nothing to erase")
    if v.status != "attended":
        return Outcome(DueState.CANCELLED, f"moved on: {v.status}")
    for host in await holders(w, group, Role.VISITOR_HOST):
        await w.dm(group, host, say.follow_up(v), _quiet(w, group, host))
    return Outcome(DueState.DONE)
