"""Running a meeting's scheduled work: the reminders, the accountability nudges, the recap.

Each run also plans the following meeting's work, so the weekly chain never breaks; late
work follows its lateness policy (a reminder after the meeting started is dropped, a recap
is still worth posting for a few days), judged against the meeting itself by the clock of
the moment. A recap is never posted before its meeting has ended.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import batch, due, messages
from bot.events import MeetingChanged
from bot.features.leadership.messages import expected_substitutes
from bot.model import DueState, Group, Member, seat_key
from bot.out import OutMessage
from bot.ports import DueItem
from bot.schedule import is_meeting, meeting_date
from bot.stores import UnitOfWork
from bot.text import Rich
from bot.work import Work

log = logging.getLogger(__name__)

RECAP_GRACE = timedelta(days=6)
ASKS_IN_REMINDER = 8  # a big chapter's asks rotate week by week
ASKS_IN_NUDGE = 3
# work finished by a clock this far ahead of the present one was finished by a clock that
# has since been set back (NTP): clocks of processes sharing a database differ by less
CLOCK_STEP = timedelta(minutes=5)


@dataclass(frozen=True)
class Outcome:
    state: DueState
    note: str | None = None
    postpone_to: int | None = None


def rotate(items: list[Member], start: int, n: int) -> list[Member]:
    if len(items) <= n:
        return items
    k = start % len(items)
    return (items[k:] + items[:k])[:n]


async def run(w: Work, item: DueItem, group: Group) -> Outcome:
    if item.kind == due.REPLAN:
        await due.replan_meetings(w.tx, w.settings, group, w.now)
        return Outcome(DueState.DONE)
    if group.meeting is None:
        return Outcome(DueState.CANCELLED, "the group has no meeting")
    at = due.meeting_of(item.occurrence)
    day = meeting_date(group.meeting, at)
    if day.isoformat() in await w.tx.groups.skips(group.id):
        return Outcome(DueState.CANCELLED, "the meeting was skipped")
    sched = due.group_schedule(w.settings, await w.tx.groups.settings(group.id))
    times = due.meeting_times(sched, at, group.tz, day)
    # plan the following meeting; after a long downtime, the first one still to come. The
    # group's other work of this meeting in the batch would plan the same: planned once.
    after = max(at, w.now - sched.recap_lag)
    await batch.once(
        w.tx,
        ("plan_meeting", group.id, after, w.now),
        lambda: due.plan_meeting(w.tx, w.settings, group, after, w.now),
    )
    week = int(at.timestamp()) // (7 * 86400)

    if item.kind in (due.REMINDER_EVENING, due.REMINDER_BEFORE):
        # a reminder is useless once the meeting started, and superseded by the next one
        grace = at
        before = times.get(due.REMINDER_BEFORE)
        if item.kind == due.REMINDER_EVENING and before and before > times[item.kind]:
            grace = before
        if w.now >= grace:
            log.warning(
                "group %s: %s for %s is late (%s); dropped",
                group.id,
                item.kind,
                item.occurrence,
                w.now.isoformat(),
            )
            return Outcome(DueState.DROPPED, f"late: ran at {w.now.isoformat()}")
        members = await w.tx.members.of_group(group.id)
        with_asks = [m for m in members if m.ask]
        lines = await _ask_lines(w, group, with_asks)
        taken = {seat_key(m.classification) for m in members if m.classification}
        open_seats = [c for c in await w.tx.seats.wanted(group.id) if seat_key(c) not in taken]
        last = await w.tx.numbers.stats(
            group.id, None, int((at - timedelta(days=7)).timestamp()), w.ts
        )
        subs = await w.tx.palms.substitutes(group.id, day.isoformat())
        await w.post(
            group,
            messages.meeting_reminder(
                group,
                at,
                item.kind == due.REMINDER_BEFORE,
                [lines[m.id] for m in rotate(with_asks, week * ASKS_IN_REMINDER, ASKS_IN_REMINDER)],
                open_seats,
                last,
                day.isoformat(),
                expected_substitutes(members, subs) if subs else None,
            ),
        )
        return Outcome(DueState.DONE)

    if item.kind == due.ACCOUNTABILITY:
        if w.now >= at:
            log.warning(
                "group %s: accountability nudges for %s are late; dropped",
                group.id,
                item.occurrence,
            )
            return Outcome(DueState.DROPPED, "late")
        await _accountability(w, group, at, week)
        return Outcome(DueState.DONE)

    if item.kind == due.RECAP:
        if w.now < times[due.RECAP]:  # planned for a meeting that has not ended yet
            ends = int(times[due.RECAP].timestamp())
            return Outcome(DueState.POSTPONED, "the meeting has not ended", ends)
        if w.now >= times[due.RECAP] + RECAP_GRACE:
            return Outcome(DueState.DROPPED, "late")
        # since the last recap posted: a week, a skipped week's too, and never twice the
        # same hours when the meeting moved within a week
        since = await w.tx.due.last_done(group.id, due.RECAP, item.due_at)
        if since is None:
            since = int((times[due.RECAP] - timedelta(days=7)).timestamp())
        await _recap(w, group, since, item.due_at)
        return Outcome(DueState.DONE)
    return Outcome(DueState.CANCELLED, f"unknown kind {item.kind}")


async def _ask_lines(w: Work, group: Group, with_asks: list[Member]) -> dict[int, Rich]:
    """Each member's ask as the group's messages list it, by member id: written once for
    all of them (a reminder and every member's nudge show the same few asks), and, within
    a batch of due work, once for the group's reminder and its nudges together."""

    async def write() -> dict[int, Rich]:
        return {m.id: messages.ask_line(m) for m in with_asks}

    return await batch.once(w.tx, ("ask_lines", group.id), write)


async def _accountability(w: Work, group: Group, at: datetime, week: int) -> None:
    weeks = w.settings.nudges.inactive_weeks
    since = int((at - timedelta(weeks=weeks)).timestamp())
    members = await w.tx.members.of_group(group.id)
    with_asks = [m for m in members if m.ask]
    lines = await _ask_lines(w, group, with_asks)
    gave = await w.tx.numbers.givers_since(group.id, since)  # one read for the group, not one each
    # quiet hours end alike for everyone with the same hours and zone (most keep the group's)
    quiet: dict[tuple[str | None, str | None], int | None] = {}
    nudges: list[tuple[Member, OutMessage, int | None]] = []
    for m in members:
        if m.joined_at > since:
            continue  # new members get a few weeks' grace
        if m.id in gave:
            continue
        others = [o for o in with_asks if o.id != m.id]
        if not others:
            continue
        hours = (m.quiet_hours, m.tz)
        if hours not in quiet:
            quiet_end = due.quiet_until(m, group, w.settings.quiet_hours, w.now)
            quiet[hours] = int(quiet_end.timestamp()) if quiet_end else None
        send_at = quiet[hours]
        if send_at is not None and send_at >= int(at.timestamp()):
            continue  # they would only get it after the meeting
        asks = [lines[o.id] for o in rotate(others, week + m.id, ASKS_IN_NUDGE)]
        nudges.append((m, messages.accountability_nudge(weeks, asks, at, group.tz), send_at))
    await w.dms(group, nudges)


async def _recap(w: Work, group: Group, since: int, until: int) -> None:
    """Everything since the previous meeting's recap (a skipped week's too)."""
    week = await w.tx.numbers.stats(group.id, None, since, until)
    cache: dict[int, Member] = {}

    async def member(mid: int) -> Member:
        if mid not in cache:
            m = await w.tx.members.by_id(mid)
            assert m is not None
            cache[mid] = m
        return cache[mid]

    givers = [
        ((await member(mid)).user, r, ld)
        for mid, r, ld in await w.tx.numbers.givers_between(group.id, since, until)
    ]
    thanks = [
        ((await member(a)).user, (await member(b)).user)
        for a, b in await w.tx.thanks.between(group.id, since, until)
    ]
    visitors = [
        (name, (await member(by)).user if by else None)
        for name, by in await w.tx.attendance.visitors_between(group.id, since, until)
    ]
    await w.post(group, messages.weekly_recap(group, week, givers, thanks, visitors))
    w.emit(MeetingChanged(group.id, group.channel))  # the meeting was held: the next is a week on


async def _still_held(tx: UnitOfWork, group_id: int, at: datetime) -> bool:
    """Whether the group still meets at `at`: not moved or skipped since."""
    group = await tx.groups.get(group_id)
    if group is None or group.meeting is None:
        return False
    return is_meeting(group.meeting, at, await tx.groups.skips(group_id))


async def reopen_after_clock_step(tx: UnitOfWork, now: datetime) -> int:
    """When the clock was set back (a jump forward that NTP corrected), work the jumped clock
    finished is judged again by this one: a reminder dropped as late whose meeting has not
    started is due again, and a recap posted or dropped before its time by this clock is
    planned again, so the meeting gets its reminders and a recap after it really ended.
    Reminders that went out stay sent: a second copy would say nothing new."""
    reopened = 0
    finished = await tx.due.finished_after(int((now + CLOCK_STEP).timestamp()), due.MEETING_KINDS)
    for item, state in finished:
        try:
            at = due.meeting_of(item.occurrence)
        except ValueError:
            continue  # planned by a date, before migration 0008: long past
        if item.kind == due.RECAP:
            # posted before its time, or dropped as late while it is not
            until = item.due_at + (RECAP_GRACE.total_seconds() if state == DueState.DROPPED else 0)
            again = now.timestamp() < until
        else:
            again = state == DueState.DROPPED and now < at
        if again and await _still_held(tx, item.group_id, at) and await tx.due.reopen(item.id):
            log.warning(
                "due work %s (%s for %s) reopened: the clock was set back to %s",
                item.id,
                item.kind,
                item.occurrence,
                now.isoformat(),
            )
            reopened += 1
    return reopened
