"""Renewal dates and leave: set by the admins and the membership committee."""

from __future__ import annotations

from bot.features.leadership.roles import Role, holders
from bot.features.renewals import due as renewals
from bot.features.renewals import messages as say
from bot.features.renewals.commands import SetLeave, SetRenewal, ShowTerms
from bot.model import Group, Member, UserRef
from bot.out import OutMessage
from bot.work import Refusal, Work


async def _committee(w: Work, group: Group, me: Member) -> None:
    if me.is_admin or me.id in {m.id for m in await holders(w, group, Role.MEMBERSHIP)}:
        return
    raise Refusal(say.committee_only())


async def show_terms(w: Work, cmd: ShowTerms) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    assert isinstance(cmd.member, UserRef)
    member = await w.member_of(group, cmd.member)
    if member.id != me.id:
        await _committee(w, group, me)
    t = await w.tx.terms.get(member.id)
    leave = (t.leave_from, t.leave_until) if t and t.leave_from and t.leave_until else None
    return [say.terms(member.user, t.renewal if t else None, leave)]


async def set_renewal(w: Work, cmd: SetRenewal) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    await _committee(w, group, me)
    assert isinstance(cmd.member, UserRef)
    member = await w.member_of(group, cmd.member)
    day = cmd.day.isoformat() if cmd.day else None
    await w.tx.terms.set_renewal(group.id, member.id, day)
    notices = await renewals.plan(w.tx, group, member.id, cmd.day, w.now)
    return [say.renewal_saved(member.user, cmd.day, notices)]


async def set_leave(w: Work, cmd: SetLeave) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    await _committee(w, group, me)
    assert isinstance(cmd.member, UserRef)
    member = await w.member_of(group, cmd.member)
    first = cmd.first.isoformat() if cmd.first else None
    last = cmd.last.isoformat() if cmd.last else None
    await w.tx.terms.set_leave(group.id, member.id, first, last)
    return [say.leave_saved(member.user, cmd.first, cmd.last)]
