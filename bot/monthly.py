"""Running a group's monthly work: the recap people would rather look at than read (a chart
of the last twelve weeks, with the numbers beside it), and each member's 1-2-1 suggestion.
Each run plans next month's. A clock that jumped ahead and was put right has the month's
work judged again (`reopen_after_clock_step`)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from bot import due, files, messages
from bot.chart import WeekNumbers, can_draw, chart_numbers_text, weekly_chart
from bot.features.renewals import due as renewals_due
from bot.messages import count
from bot.model import DueState, Group
from bot.money import locale_of
from bot.out import OutMessage
from bot.ports import DueItem
from bot.powerteams import place
from bot.reminders import CLOCK_STEP, Outcome
from bot.schedule import local_date, local_midnight
from bot.spheres import Sphere
from bot.stores import UnitOfWork
from bot.work import Work

log = logging.getLogger(__name__)

WEEKS = 12
CHART_HOLD = 600  # seconds a recap waits for its chart before it goes out without one
# the note on a month's work that ran before its time by a clock since set back; the note
# of that run follows ("ran early; posted 3f9a…")
RAN_EARLY = "ran early"


async def run(w: Work, item: DueItem, group: Group) -> Outcome:
    await due.plan_next_month(w.tx, group, item.occurrence, w.now)
    if w.now.timestamp() - item.due_at > due.MONTHLY_GRACE.total_seconds():
        return Outcome(DueState.DROPPED, "more than a week late")
    early = (item.note or "").startswith(RAN_EARLY)
    if item.kind == due.RECAP_MONTHLY:
        return Outcome(
            DueState.DONE, await _recap(w, group, item.occurrence, item.note if early else None)
        )
    if item.kind == due.SUGGEST_ONE_TO_ONE:
        if early:  # a second pick a day later would only be noise
            return Outcome(DueState.DONE, "suggested when it ran early")
        if w.settings.insight.suggestions:
            await _suggest(w, group)
        return Outcome(DueState.DONE)
    return Outcome(DueState.CANCELLED, f"unknown kind {item.kind}")


async def reopen_after_clock_step(tx: UnitOfWork, now: datetime) -> int:
    """When the clock was set back (a jump forward that NTP corrected), the month's work the
    jumped clock finished is judged again by this one.

    Work that ran before its due instant by this clock is planned again for that instant:
    the recap then posted showed what was known a day (or more) before the month began,
    and may have missed the end of its last week. At its real time the recap is built again
    and posted only if it differs from the one that went early (the note of the early run
    keeps a fingerprint of it), so a recap that was right is not posted twice. The 1-2-1
    suggestions that went early stay: a second, different pick would only be noise.
    Work dropped as more than a week late that is not late by this clock goes at its time.
    Each reopened row, when it runs, plans the month after it again (next month's planned
    by the jumped clock is kept: it is keyed by the month)."""
    reopened = 0
    ts = now.timestamp()
    finished = await tx.due.finished_after(int((now + CLOCK_STEP).timestamp()), due.MONTHLY_KINDS)
    for item, state in finished:
        if state == DueState.DONE and item.due_at > ts:
            note: str | None = f"{RAN_EARLY}; {item.note or 'done'}"
        elif state == DueState.DROPPED and ts - item.due_at <= due.MONTHLY_GRACE.total_seconds():
            note = None
        else:
            continue
        if await tx.due.reopen(item.id, note):
            log.warning(
                "due work %s (%s for %s) reopened: the clock was set back to %s",
                item.id,
                item.kind,
                item.occurrence,
                now.isoformat(),
            )
            reopened += 1
    return reopened


def _fingerprint(message: OutMessage) -> str:
    """What a recap said, to tell whether a second one would say anything new."""
    return "posted " + hashlib.sha256(message.fallback().encode()).hexdigest()[:16]


def recap_weeks(group: Group, now: datetime) -> list[date]:
    """The Mondays of the weeks the recap shows: up to twelve whole weeks before this one,
    in the group's own calendar (a week across a clock change starts at local midnight
    too), and none from before the group existed."""
    today = local_date(now, group.tz)
    this_monday = today - timedelta(days=today.weekday())
    created = local_date(datetime.fromtimestamp(group.created_at, UTC), group.tz)
    first = created - timedelta(days=created.weekday())
    mondays = [this_monday - timedelta(weeks=WEEKS - i) for i in range(WEEKS)]
    return [d for d in mondays if d >= first]


async def _recap(w: Work, group: Group, month: str, early: str | None) -> str:
    """Post the month's recap, unless the run that went early (`early`, its note) posted
    the same one; returns the run's note."""
    mondays = recap_weeks(group, w.now)
    if not mondays:
        log.info("group %s: no whole week to recap yet", group.id)
        return "no whole week to recap"
    starts = [int(local_midnight(d, group.tz).timestamp()) for d in mondays]
    ends = [int(local_midnight(d + timedelta(days=7), group.tz).timestamp()) for d in mondays]
    numbers = await w.tx.numbers.weekly(group.id, starts, ends)
    weeks = [WeekNumbers(d, r, ld, c) for d, (r, ld, c) in zip(mondays, numbers, strict=True)]
    locale = locale_of(group)
    text = chart_numbers_text(weeks, group.currency, locale)
    due_now = await renewals_due.line(w, group, month)
    plain = messages.monthly_recap(group, len(weeks), text, None, due_now)
    posted = _fingerprint(plain)
    if early is not None and early.endswith(posted):
        return f"{posted} when it ran early; unchanged"
    if not can_draw():
        await w.post(group, plain)
        return posted
    # The post names the chart only once it is written: it is queued held back, and
    # released (with the chart, or without it if drawing failed) once the drawing is done;
    # after a crash in between, it goes out without the chart when the hold runs out.
    held = await w.tx.outbox.add(group.id, group.channel, plain, w.ts, due=w.ts + CHART_HOLD)
    folder = files.group_folder(w.settings, group.id)
    chart = folder / f"chart-{month}.png"
    title = f"{group.name}: the last {count(len(weeks), 'week')}"
    with_chart = messages.monthly_recap(group, len(weeks), text, str(chart), due_now)

    def draw(ts: int = w.ts) -> Callable[[UnitOfWork], Awaitable[None]]:
        message = plain
        try:
            files.private_folder(w.settings, group.id)
            if weekly_chart(weeks, chart, title, group.currency, locale) is not None:
                files.stamp(chart, ts)
                message = with_chart
        except Exception:
            log.exception("group %s: the monthly chart could not be drawn", group.id)
            chart.unlink(missing_ok=True)  # no half-written file left behind
        return lambda tx: tx.outbox.release_held(held, message, ts)

    w.after_commit.append(draw)  # drawing takes a while: not under the write lock
    return posted


def _same_sphere(a: tuple[Sphere, str] | None, b: tuple[Sphere, str] | None) -> bool:
    return bool(a and b and a[0].name == b[0].name)


async def _suggest(w: Work, group: Group) -> None:
    """One member to meet: someone not met recently, from their own sphere when possible,
    never the same suggestion twice in a row."""
    members = await w.tx.members.of_group(group.id)
    path = w.settings.insight.spheres_file
    recent = w.ts - w.settings.insight.suggest_after_days * 86400
    for m in members:
        if not m.suggestions:
            continue
        met = await w.tx.one_to_ones.last_met(m.id)
        last = await w.tx.one_to_ones.last_suggestion(m.id)
        mine = place(path, m)
        candidates = sorted(
            (o for o in members if o.id != m.id and o.id != last and met.get(o.id, 0) < recent),
            key=lambda o, mine=mine, met=met: (  # type: ignore[misc]
                0 if _same_sphere(mine, place(path, o)) else 1,
                met.get(o.id, 0),
                o.id,
            ),
        )
        if not candidates:
            continue
        pick = candidates[0]
        same_sphere = _same_sphere(mine, place(path, pick))
        await w.tx.one_to_ones.add_suggestion(group.id, m.id, pick.id, w.ts)
        await w.dm(
            group,
            m,
            messages.one_to_one_suggestion(
                pick, same_sphere, mine[0].name if mine else None, pick.id in met
            ),
        )
