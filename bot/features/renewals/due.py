"""Renewals' scheduled work: the membership committee is told by DM 60 and 30 days before a
member's renewal, and the monthly recap names who renews that month."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot import due
from bot.features.leadership.roles import Role, holders
from bot.features.renewals import messages as say
from bot.model import DueState, Group, Member
from bot.ports import DueItem
from bot.reminders import Outcome
from bot.schedule import local_instant
from bot.stores import UnitOfWork
from bot.text import Rich
from bot.work import Work

RENEWAL_NOTICE = "renewal.notice"
NOTICE_DAYS = (60, 30)
NOTICE_AT = time(9, 0)  # the group's morning


async def plan(
    tx: UnitOfWork, group: Group, member_id: int, day: date | None, now: datetime
) -> list[date]:
    """Re-plan a member's renewal notices; returns the days they will go."""
    ts = int(now.timestamp())
    await tx.due.cancel(group.id, (RENEWAL_NOTICE,), ts, target_id=member_id)
    planned: list[date] = []
    if day is None:
        return planned
    for days in NOTICE_DAYS:
        on = day - timedelta(days=days)
        at = local_instant(on, NOTICE_AT, group.tz)
        if at >= now:
            await tx.due.add(
                group.id, RENEWAL_NOTICE, member_id, f"{day}@{days}", int(at.timestamp())
            )
            planned.append(on)
    return planned


async def run(w: Work, item: DueItem, group: Group) -> Outcome:
    member = await w.tx.members.by_id(item.target_id)
    if member is None or member.group_id != group.id or not member.active:
        return Outcome(DueState.CANCELLED, "no longer a member")
    day, _, days = item.occurrence.partition("@")
    terms = await w.tx.terms.get(member.id)
    if terms is None or terms.renewal != day:
        return Outcome(DueState.CANCELLED, "the renewal date changed")
    committee = await holders(w, group, Role.MEMBERSHIP)
    for m in committee:
        quiet = due_quiet(w, group, m)
        await w.dm(group, m, say.renewal_notice(member.user, day, int(days)), quiet)
    return Outcome(DueState.DONE)


def due_quiet(w: Work, group: Group, m: Member) -> int | None:
    """When a DM to `m` may go: at once, or when their quiet hours end."""
    end = due.quiet_until(m, group, w.settings.quiet_hours, w.now)
    return int(end.timestamp()) if end else None


async def line(w: Work, group: Group, month: str) -> Rich:
    """Who renews in `month` ("YYYY-MM"), for the monthly recap."""
    terms = await w.tx.terms.of_group(group.id)
    members = [
        m
        for m in await w.tx.members.of_group(group.id)
        if (t := terms.get(m.id)) is not None and (t.renewal or "").startswith(f"{month}-")
    ]
    return say.renewals_line(members)
