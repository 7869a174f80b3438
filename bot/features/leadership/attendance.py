"""PALMS attendance's rules: substitutes named with a record, and the absence rule.

A member's record for a meeting is present, absent, late, medical (an excused absence) or
substitute (someone came in their place, which counts as their attendance). The absence rule
counts the records the group's rule names (absent, by default) over a rolling window: the
absence before the limit sets off a friendly private DM to the member, with the rule and the
day their oldest absence drops out; the one reaching it tells the vice president (or the
admins) privately. Never in the channel, and once per crossing: only a record this command
made count sets a notice off, and none is given while one of its kind was given for an
absence still in the window, so recording a meeting again says nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.features.leadership import messages as wording
from bot.features.leadership.duty import tell_holders
from bot.features.leadership.roles import Role, holders
from bot.features.leadership.settings import AbsenceRule
from bot.features.leadership.settings import absence_rule as rule_of
from bot.model import Group, Member
from bot.schedule import local_date
from bot.work import Work


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    return _shift(day, -months)


def months_after(day: date, months: int) -> date:
    return _shift(day, months)


def _shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


async def substitute_names(w: Work, group: Group, day: str) -> dict[int, str]:
    """Member id → who came (or comes) in their place on a meeting day."""
    return {m: name for m, name, _ in await w.tx.palms.substitutes(group.id, day)}


async def name_substitute(w: Work, group: Group, member: Member, day: str, name: str) -> None:
    """The admin names who came in a member's place; an email the member registered stays
    when it is the same person."""
    known = {m: (n, e) for m, n, e in await w.tx.palms.substitutes(group.id, day)}
    before = known.get(member.id)
    email = before[1] if before and before[0].casefold() == name.casefold() else None
    await w.tx.palms.set_substitute(group.id, member.id, day, name, email)


def window(rule: AbsenceRule, day: date) -> date:
    """The first day of the rolling window that ends on `day` (today)."""
    return months_before(day, rule.months) + timedelta(days=1)


async def absence_rule(w: Work, group: Group, day: str, before: dict[int, str | None]) -> None:
    """Apply the group's absence rule to the members whose record on `day` this command made
    count (`before`: each member's status on `day` before it). Recording a meeting again, to
    add someone else, tells nobody again."""
    rule = rule_of(await w.tx.groups.settings(group.id))
    records = await w.tx.attendance.on_day(group.id, day)
    counted = [
        m
        for m, (_, status) in records.items()
        if status in rule.states and before.get(m) not in rule.states
    ]
    if not counted:
        return
    # the rolling window ends today: a meeting recorded late counts only while it is in it
    today = local_date(w.now, group.tz)
    since = window(rule, today).isoformat()
    if day < since:
        return
    members = {m.id: m for m in await w.tx.members.of_group(group.id)}
    for member_id in counted:
        member = members.get(member_id)
        if member is None:
            continue
        days = await w.tx.palms.counted_days(member_id, since, today.isoformat(), list(rule.states))
        kind = "limit" if len(days) >= rule.count else "warning"
        if len(days) < rule.count - 1 or not days:
            continue
        # once per crossing: a notice already given for an absence still in the window
        # (an earlier meeting recorded late, say) is not given again
        if await w.tx.palms.noticed_since(member_id, kind, since):
            continue
        if not await w.tx.palms.note_notice(group.id, member_id, day, kind, w.ts):
            continue  # this absence was announced already
        if kind == "limit":
            await _tell_vp(w, group, member, days, rule)
        else:
            drops = months_after(date.fromisoformat(days[0]), rule.months).isoformat()
            await w.dm(group, member, wording.absence_warning(group, days, rule, drops))


async def _tell_vp(
    w: Work, group: Group, member: Member, days: list[str], rule: AbsenceRule
) -> None:
    """The vice president (or, with none, the admins), never the member about themselves."""
    vps = [m for m in await holders(w, group, Role.VP) if m.id != member.id]
    if not vps:
        vps = await holders(w, group, Role.PRESIDENT)
    await tell_holders(w, group, vps, wording.absence_limit(group, member, days, rule), member)
