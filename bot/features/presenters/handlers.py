"""The presenter rotation's rules: who may give a slot, the roster-order fill, swaps.

A slot belongs to a meeting's local date. The admins and the vice president give slots out;
a holder sets their own topic and may hand their slot to another member, who must accept.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot import messages
from bot.features.attendance import messages as attendance_words
from bot.features.leadership.roles import Role, holders
from bot.features.presenters import messages as say
from bot.features.presenters.commands import (
    AnswerSwap,
    FillSlots,
    SetGap,
    SetSlot,
    ShowSlots,
    SwapSlot,
)
from bot.features.renewals.leave import is_on_leave, on_leave
from bot.model import Group, Member, UserRef
from bot.out import OutMessage
from bot.schedule import local_date, meeting_on
from bot.work import Refusal, Work

# an RSVP that says the member won't be there (MEDICAL is i18a's, for a medical absence)
AWAY = ("absent", "medical")


def gap_weeks(settings: dict[str, str], slot: str) -> int:
    """Fill skips whoever had the slot within this many weeks (a group setting, default 8)."""
    try:
        return max(0, int(settings.get(f"{slot}.gap_weeks", say.DEFAULT_GAP_WEEKS)))
    except ValueError:
        return say.DEFAULT_GAP_WEEKS


async def leaders(w: Work, group: Group) -> set[int]:
    """Who gives slots out: the admins and the vice president."""
    admins = {m.id for m in await w.tx.members.of_group(group.id) if m.is_admin}
    return admins | {m.id for m in await holders(w, group, Role.VP)}


async def meeting_at(w: Work, group: Group, day: date) -> datetime:
    """The meeting held on `day`, which must be an upcoming meeting of the group."""
    if group.meeting is None:
        raise Refusal(messages.no_meeting())
    if day.weekday() != group.meeting.weekday:
        raise Refusal(messages.skip_not_meeting_day(day.isoformat(), group))
    if day.isoformat() in await w.tx.groups.skips(group.id):
        raise Refusal(attendance_words.meeting_was_skipped(day.isoformat()))
    at = meeting_on(group.meeting, day)
    if at <= w.now:
        raise Refusal(say.past(day))
    return at


def coming_dates(group: Group, now: datetime, n: int) -> list[date]:
    """The local dates of the next `n` meeting days (skipped ones included)."""
    if group.meeting is None:
        return []
    day = local_date(now, group.tz)
    day += timedelta(days=(group.meeting.weekday - day.weekday()) % 7)
    if meeting_on(group.meeting, day) <= now:
        day += timedelta(days=7)
    return [day + timedelta(weeks=i) for i in range(n)]


async def away_on(w: Work, group: Group, day: date) -> set[int]:
    """Members who said they won't come on `day`, or are on leave then."""
    rsvps = await w.tx.attendance.on_day(group.id, day.isoformat())
    away = {m for m, (answer, _) in rsvps.items() if answer in AWAY}
    return away | await on_leave(w.tx, group.id, day)


async def set_slot(w: Work, cmd: SetSlot) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    at = await meeting_at(w, group, cmd.day)
    key = cmd.day.isoformat()
    member = me
    if cmd.member is not None:
        assert isinstance(cmd.member, UserRef)
        member = await w.member_of(group, cmd.member)
    current = await w.tx.slots.get(group.id, cmd.slot, key)
    # anyone but the leaders only words the topic of a slot they hold
    own = member.id == me.id and current is not None and current.member_id == me.id
    if not own and me.id not in await leaders(w, group):
        raise Refusal(say.leaders_only(cmd.slot))
    if current is not None and current.member_id == member.id:
        if cmd.topic is None:
            return [say.saved(cmd.slot, cmd.day, member.user, current.topic, False)]
        await w.tx.slots.set_topic(current.id, cmd.topic)
        if member.id == me.id:
            return [say.topic_saved(cmd.slot, cmd.day, cmd.topic)]
        return [say.saved(cmd.slot, cmd.day, member.user, cmd.topic, False)]
    if await is_on_leave(w.tx, member.id, cmd.day):
        raise Refusal(say.on_leave(cmd.slot, member.user, cmd.day))
    await w.tx.slots.put(group.id, cmd.slot, key, member.id, cmd.topic)
    told = False
    if member.id != me.id:
        told = await w.dm(group, member, say.given(cmd.slot, cmd.day, at, group.tz, cmd.topic))
    return [say.saved(cmd.slot, cmd.day, member.user, cmd.topic, told)]


async def show_slots(w: Work, cmd: ShowSlots) -> list[OutMessage]:
    group = await w.group()
    await w.actor(group)
    if group.meeting is None:
        raise Refusal(messages.no_meeting())
    days = coming_dates(group, w.now, say.WEEKS_SHOWN)
    skips = await w.tx.groups.skips(group.id)
    slots = {
        s.day: s
        for s in await w.tx.slots.between(
            group.id, cmd.slot, days[0].isoformat(), days[-1].isoformat()
        )
    }
    by_id = {m.id: m for m in await w.tx.members.of_group(group.id)}
    rows: list[tuple[date, Member | None, str | None, bool]] = []
    for d in days:
        s = slots.get(d.isoformat())
        holder = by_id.get(s.member_id) if s else None
        rows.append((d, holder, s.topic if s else None, d.isoformat() in skips))
    gap = gap_weeks(await w.tx.groups.settings(group.id), cmd.slot)
    return [say.schedule(cmd.slot, rows, gap)]


async def fill_slots(w: Work, cmd: FillSlots) -> list[OutMessage]:
    """The open weeks of the next eight, in roster (join) order, carrying on after whoever
    had the slot last."""
    group = await w.group()
    me = await w.actor(group)
    if me.id not in await leaders(w, group):
        raise Refusal(say.leaders_only(cmd.slot))
    if group.meeting is None:
        raise Refusal(messages.no_meeting())
    gap = gap_weeks(await w.tx.groups.settings(group.id), cmd.slot)
    days = coming_dates(group, w.now, say.WEEKS_SHOWN)
    skips = await w.tx.groups.skips(group.id)
    roster = await w.tx.members.of_group(group.id)
    window = timedelta(weeks=gap)
    held: dict[int, list[date]] = {}
    taken: set[str] = set()
    for s in await w.tx.slots.between(
        group.id,
        cmd.slot,
        (days[0] - window).isoformat(),
        (days[-1] + window).isoformat(),
    ):
        held.setdefault(s.member_id, []).append(date.fromisoformat(s.day))
        taken.add(s.day)
    last = await w.tx.slots.last_before(group.id, cmd.slot, days[0].isoformat())
    ids = [m.id for m in roster]
    start = ids.index(last.member_id) + 1 if last and last.member_id in ids else 0
    given_out: list[tuple[date, Member]] = []
    still_open: list[date] = []
    holder_on = {day: mid for mid, held_days in held.items() for day in held_days}
    for d in days:
        if d in holder_on and holder_on[d] in ids:  # given already: the rotation goes on after
            start = (ids.index(holder_on[d]) + 1) % len(roster)
        if d.isoformat() in skips or d.isoformat() in taken:
            continue
        away = await away_on(w, group, d)
        chosen = None
        for k in range(len(roster)):
            m = roster[(start + k) % len(roster)]
            if m.id in away or any(abs(d - h) < window for h in held.get(m.id, [])):
                continue
            chosen, start = m, (start + k + 1) % len(roster)
            break
        if chosen is None:
            still_open.append(d)
            continue
        await w.tx.slots.put(group.id, cmd.slot, d.isoformat(), chosen.id, None)
        held.setdefault(chosen.id, []).append(d)
        given_out.append((d, chosen))
        at = meeting_on(group.meeting, d)
        await w.dm(group, chosen, say.given(cmd.slot, d, at, group.tz, None))
    return [say.filled(cmd.slot, given_out, still_open, gap)]


async def swap_slot(w: Work, cmd: SwapSlot) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    at = await meeting_at(w, group, cmd.day)
    assert isinstance(cmd.member, UserRef)
    other = await w.member_of(group, cmd.member)
    current = await w.tx.slots.get(group.id, cmd.slot, cmd.day.isoformat())
    if current is None or (current.member_id != me.id and me.id not in await leaders(w, group)):
        raise Refusal(say.not_yours(cmd.slot, cmd.day))
    if other.id == current.member_id:
        raise Refusal(say.swap_self(cmd.slot))
    if await is_on_leave(w.tx, other.id, cmd.day):
        raise Refusal(say.on_leave(cmd.slot, other.user, cmd.day))
    holder = await w.tx.members.by_id(current.member_id)
    assert holder is not None
    await w.tx.slots.offer_swap(current.id, other.id)
    told = await w.dm(group, other, say.swap_request(cmd.slot, cmd.day, holder.user, at, group.tz))
    return [say.swap_asked(cmd.slot, cmd.day, other.user, told)]


async def answer_swap(w: Work, cmd: AnswerSwap) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    current = await w.tx.slots.get(group.id, cmd.slot, cmd.day.isoformat())
    if current is None or current.swap_to != me.id:
        raise Refusal(say.no_swap(cmd.slot, cmd.day))
    holder = await w.tx.members.by_id(current.member_id)
    assert holder is not None
    if cmd.accept:
        await meeting_at(w, group, cmd.day)  # still to come, still a meeting
        # the new presenter brings their own topic
        await w.tx.slots.put(group.id, cmd.slot, cmd.day.isoformat(), me.id, None)
    else:
        await w.tx.slots.offer_swap(current.id, None)
    if holder.active:
        await w.dm(group, holder, say.swap_answered(cmd.slot, cmd.day, me.user, cmd.accept))
    if cmd.accept:
        return [say.swap_done(cmd.slot, cmd.day, holder.user)]
    return [say.swap_declined(cmd.slot, cmd.day)]


async def set_gap(w: Work, cmd: SetGap) -> list[OutMessage]:
    """The group's setting: fill skips whoever had the slot within this many weeks."""
    group = await w.group()
    me = await w.actor(group)
    if me.id not in await leaders(w, group):
        raise Refusal(say.leaders_only(cmd.slot))
    await w.tx.groups.set_setting(group.id, f"{cmd.slot}.gap_weeks", str(cmd.weeks))
    return [say.gap_saved(cmd.slot, cmd.weeks)]
