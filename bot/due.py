"""Planning scheduled work: which rows of due work a change creates or cancels.

Rows are written in the same transaction as the change that makes them due, so nothing is
planned for a change that rolled back, and nothing planned is lost in a crash.

A meeting's work is keyed by the meeting's instant (UTC), never by its local date: a date
can hold the meeting's local time twice (the night the clocks go back), and a meeting moved
within its day is another meeting. A month's work is keyed by the month, whatever the zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.config import Settings
from bot.localtime import QuietHours
from bot.model import Group, Member, Referral, Status
from bot.ports import DueItem
from bot.schedule import (
    hhmm,
    is_meeting,
    local_date,
    local_instant,
    meeting_date,
    next_meeting,
)
from bot.stores import UnitOfWork

# meeting work, one row per group and meeting (its instant: "2026-12-02T05:00:00Z")
REMINDER_EVENING = "reminder.evening"
REMINDER_BEFORE = "reminder.before"
RECAP = "recap.weekly"
ACCOUNTABILITY = "nudge.accountability"
# the leadership team's week (bot/features): the presenter and educator are reminded a week
# before and the evening before; the visitor host hears who is expected the evening before
PRESENTER_WEEK = "presenter.week_before"
PRESENTER_EVE = "presenter.day_before"
VISITORS_EXPECTED = "visitors.expected"
WEEK_KINDS = (PRESENTER_WEEK, PRESENTER_EVE, VISITORS_EXPECTED)
MEETING_KINDS = (REMINDER_EVENING, REMINDER_BEFORE, RECAP, ACCOUNTABILITY, *WEEK_KINDS)
EVENING_DEFAULT = time(18, 0)
WEEK_KINDS_GRACE = timedelta(hours=12)  # planned late, these DMs still go (not a reminder)  # the evening before, when the group's reminder is off

# monthly work, one row per group and month ("2026-12")
RECAP_MONTHLY = "recap.monthly"
SUGGEST_ONE_TO_ONE = "suggest.one_to_one"
MONTHLY_KINDS = (RECAP_MONTHLY, SUGGEST_ONE_TO_ONE)
MONTHLY_AT = time(9, 0)  # on the first of the month, group time
MONTHLY_GRACE = timedelta(days=7)  # a month's work later than this is dropped

# plan a group's meeting and monthly work again from scratch (planned by migration 0008 for
# every group, so chains broken before it resume)
REPLAN = "schedule.replan"

# referral work, one row per referral and occurrence
FOLLOW_UP = "nudge.follow_up"
NOT_CONTACTED = "nudge.not_contacted"  # the giver is told, privately, after the last follow-up
PROGRESS = "nudge.progress"
THANK = "nudge.thank"
REFERRAL_KINDS = (FOLLOW_UP, NOT_CONTACTED, PROGRESS, THANK)


def meeting_key(at: datetime) -> str:
    """The occurrence a meeting's work is planned under: its instant, in UTC."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def meeting_of(occurrence: str) -> datetime:
    """The meeting a row of meeting work belongs to (ValueError for anything but a key)."""
    if "T" not in occurrence:
        raise ValueError(f"not a meeting's instant: {occurrence!r}")
    return datetime.fromisoformat(occurrence).astimezone(UTC)


def _ts(at: datetime) -> int:
    return int(at.timestamp())


@dataclass(frozen=True)
class GroupSchedule:
    """The config's defaults with the admin's overrides applied."""

    evening_before: str  # "HH:MM" or "" (off)
    hours_before: int  # 0 = off
    recap_hours_after: int
    accountability: bool

    @property
    def recap_lag(self) -> timedelta:
        return timedelta(hours=self.recap_hours_after)


def group_schedule(settings: Settings, overrides: dict[str, str]) -> GroupSchedule:
    r = settings.reminders
    return GroupSchedule(
        evening_before=overrides.get("reminder.evening", r.evening_before),
        hours_before=int(overrides.get("reminder.before", r.hours_before)),
        recap_hours_after=int(overrides.get("recap.after", r.recap_hours_after)),
        accountability=overrides.get("nudge.accountability", "on") == "on",
    )


def meeting_times(
    sched: GroupSchedule, meeting_at: datetime, tz: str, day: date
) -> dict[str, datetime]:
    """When each piece of the work of the meeting held on local date `day` at `meeting_at`
    is due (UTC), by kind."""
    out: dict[str, datetime] = {}
    if sched.evening_before:
        day_before = day - timedelta(days=1)
        out[REMINDER_EVENING] = local_instant(day_before, hhmm(sched.evening_before), tz)
    if sched.hours_before:
        out[REMINDER_BEFORE] = meeting_at - timedelta(hours=sched.hours_before)
    out[RECAP] = meeting_at + sched.recap_lag
    if sched.accountability:
        out[ACCOUNTABILITY] = out.get(REMINDER_EVENING, meeting_at - timedelta(hours=24))
    evening = hhmm(sched.evening_before) if sched.evening_before else EVENING_DEFAULT
    out[PRESENTER_WEEK] = local_instant(day - timedelta(days=7), evening, tz)
    out[PRESENTER_EVE] = out[VISITORS_EXPECTED] = local_instant(day - timedelta(days=1), evening, tz)
    return out


async def plan_meeting(
    tx: UnitOfWork, settings: Settings, group: Group, after: datetime, now: datetime
) -> datetime | None:
    """Plan the work of the first meeting after `after`; rows already due before `now` are
    not planned (nobody wants yesterday's reminder). Returns that meeting's time."""
    if group.meeting is None:
        return None
    at = next_meeting(group.meeting, after, await tx.groups.skips(group.id))
    if at is None:
        return None
    sched = group_schedule(settings, await tx.groups.settings(group.id))
    day = meeting_date(group.meeting, at)
    for kind, due in meeting_times(sched, at, group.tz, day).items():
        if kind in WEEK_KINDS and now - WEEK_KINDS_GRACE < due <= now:
            # a presenter's week-before DM can fall due at the very moment of the run that
            # plans it (a 19:00 meeting's hour-before reminder): it goes a moment later
            await tx.due.add(group.id, kind, 0, meeting_key(at), _ts(now) + 1)
        elif due >= now:
            await tx.due.add(group.id, kind, 0, meeting_key(at), _ts(due))
    return at


async def replan_meetings(
    tx: UnitOfWork, settings: Settings, group: Group, now: datetime
) -> datetime | None:
    """After the meeting's day, time or zone, its skips or the group's settings change:
    the meeting work still to come is planned again, keeping what is still right.

    The plan is worked out afresh (the next meeting, any later one already planned that is
    still a meeting, and the recap of a meeting already under way or held, re-timed to the
    group's setting) and compared with what is pending: a row whose instant the change left
    alone is kept as it is, even one that fell due moments ago and waits for the next tick;
    a row whose instant moved is re-timed; a row of a meeting that is no more is cancelled.
    Work whose instant is now past is planned only if it has not run: re-timed to a moment
    already past, a meeting's pending reminder goes at once; one that fell due for the meeting
    that was next and was moved goes at once for the meeting now next. The lateness rule
    judges either against its meeting when it runs. One that already went is not sent again,
    and nobody gets the reminder of a meeting moved to before it would have been due. The
    month's work moves to 09:00 on the first in the group's (perhaps new) zone. Returns the
    next meeting's time.
    """
    sched = group_schedule(settings, await tx.groups.settings(group.id))
    skips = await tx.groups.skips(group.id)
    pending = await tx.due.planned(group.id, MEETING_KINDS + MONTHLY_KINDS)
    by_meeting: dict[datetime | None, dict[str, int]] = {}  # kind → due, by meeting
    for item in pending:
        if item.kind in MEETING_KINDS:
            by_meeting.setdefault(_meeting_or_none(item.occurrence), {})[item.kind] = item.due_at
    ahead = sorted(at for at in by_meeting if at is not None and at > now)
    next_at = next_meeting(group.meeting, now, skips) if group.meeting else None

    want: dict[tuple[str, str], int] = {}
    for at, kinds in by_meeting.items():
        if at is not None and at <= now and RECAP in kinds:  # under way or held
            want[(RECAP, meeting_key(at))] = _ts(at + sched.recap_lag)
    if group.meeting is not None:
        meeting = group.meeting
        meetings = {at for at in ahead if is_meeting(meeting, at, skips)}
        meetings |= {next_at} if next_at is not None else set()
        for at in sorted(meetings):
            # what has not run yet: this meeting's own, or, for the meeting that replaces
            # the one that was next, what fell due for that one
            owed = set(by_meeting.get(at, {}))
            if not owed and at == next_at and ahead:
                owed = {k for k, due in by_meeting[ahead[0]].items() if due <= _ts(now)}
            for kind, due in meeting_times(sched, at, group.tz, meeting_date(meeting, at)).items():
                if due >= now or kind in owed:
                    want[(kind, meeting_key(at))] = _ts(due)

    ts = _ts(now)
    for item in pending:
        if item.kind not in MEETING_KINDS:
            continue
        wanted = want.pop((item.kind, item.occurrence), None)
        if wanted == item.due_at:
            continue  # still right: left alone
        await tx.due.cancel(group.id, (item.kind,), ts, occurrence=item.occurrence)
        if wanted is not None:
            await tx.due.add(group.id, item.kind, 0, item.occurrence, wanted)
    for (kind, key), when in want.items():
        await tx.due.add(group.id, kind, 0, key, when)
    await _replan_month(tx, group, [i for i in pending if i.kind in MONTHLY_KINDS], now)
    return next_at


def _meeting_or_none(occurrence: str) -> datetime | None:
    """The meeting a row belongs to; None for a row keyed by a date (before migration 0008)."""
    try:
        return meeting_of(occurrence)
    except ValueError:
        return None


# --- monthly work ----------------------------------------------------------------------------
def month_at(month: date, tz: str) -> datetime:
    """When a month's work is due: 09:00 on its first, in the group's zone."""
    return local_instant(month.replace(day=1), MONTHLY_AT, tz)


def _next_month(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


async def _plan_month_of(tx: UnitOfWork, group: Group, month: date, due: datetime) -> bool:
    """Plan one month's work; False when that month's work already ran (or is running)."""
    key = f"{month:%Y-%m}"
    planned = await tx.due.add(group.id, RECAP_MONTHLY, 0, key, _ts(due))
    await tx.due.add(group.id, SUGGEST_ONE_TO_ONE, 0, key, _ts(due))
    return planned


async def plan_month(tx: UnitOfWork, group: Group, after: datetime) -> None:
    """Plan the monthly recap and 1-2-1 suggestions for the first month whose 09:00 on the
    first comes after `after` and whose work has not run yet. A new group is planned from a
    few weeks on: twelve weeks of nothing is no recap."""
    month = local_date(after, group.tz).replace(day=1)
    for _ in range(3):
        at = month_at(month, group.tz)
        if at > after and await _plan_month_of(tx, group, month, at):
            return
        month = _next_month(month)


async def plan_next_month(tx: UnitOfWork, group: Group, done: str, now: datetime) -> None:
    """Once a month's work ran: plan the next month's, keyed by the month, so a zone moved
    west (where the first's 09:00 is still ahead) never plans the same month again. After
    months of downtime, the first month still to come."""
    month = _next_month(date.fromisoformat(f"{done}-01"))
    while month_at(month, group.tz) <= now:
        month = _next_month(month)
    await _plan_month_of(tx, group, month, month_at(month, group.tz))


async def _replan_month(
    tx: UnitOfWork, group: Group, pending: list[DueItem], now: datetime
) -> None:
    """Re-time the month's pending work to the group's zone; plan one when none is pending."""
    if not pending:
        await plan_month(tx, group, now)
        return
    for item in pending:
        await tx.due.cancel(group.id, (item.kind,), _ts(now), occurrence=item.occurrence)
        at = month_at(date.fromisoformat(f"{item.occurrence}-01"), group.tz)
        await tx.due.add(group.id, item.kind, 0, item.occurrence, _ts(at))


NEW_GROUP_GRACE = timedelta(days=28)


# --- referrals -----------------------------------------------------------------------------
async def referral_logged(tx: UnitOfWork, settings: Settings, r: Referral) -> None:
    """A referral's receiver is nudged to follow up, sooner the hotter it is. Leads carry no
    introduction and no contact details to call, so they are not chased."""
    if r.kind.value != "referral":
        return
    hours = settings.nudges.follow_up_hours[r.heat]
    await tx.due.add(r.group_id, FOLLOW_UP, r.id, "1", r.created_at + hours * 3600)


async def heat_changed(
    tx: UnitOfWork, settings: Settings, before: Referral, after: Referral, now: int
) -> None:
    """The giver corrected the heat: the first follow-up, if it is still to come, moves to
    when the new heat would have put it (at once, if that has passed; never earlier than
    the receiver snoozed it to). Later follow-ups come every 48 h whatever the heat."""
    if after.kind.value != "referral" or after.status is not Status.OPEN:
        return
    first = [
        d
        for d in await tx.due.pending_of(after.group_id, after.id)
        if d.kind == FOLLOW_UP and d.occurrence == "1"
    ]
    if not first:
        return
    hours = settings.nudges.follow_up_hours
    planned = before.created_at + hours[before.heat] * 3600
    due = max(after.created_at + hours[after.heat] * 3600, now)
    if first[0].due_at > planned:  # snoozed: the receiver asked for quiet until then
        due = max(due, first[0].due_at)
    await tx.due.cancel(after.group_id, (FOLLOW_UP,), now, target_id=after.id, occurrence="1")
    await tx.due.add(after.group_id, FOLLOW_UP, after.id, "1", due)


async def status_changed(
    tx: UnitOfWork, settings: Settings, r: Referral, new: Status, now: int
) -> None:
    """Cancel what no longer applies and plan what the new status calls for."""
    if new is not Status.OPEN:
        await tx.due.cancel(r.group_id, (FOLLOW_UP, NOT_CONTACTED), now, target_id=r.id)
    await tx.due.cancel(r.group_id, (PROGRESS,), now, target_id=r.id)
    if new in (Status.CONTACTED, Status.MEETING):
        due = now + settings.nudges.progress_days * 86400
        await tx.due.add(r.group_id, PROGRESS, r.id, f"{new.value}@{now}", due)
    if new is Status.WON and r.thanked_at is None:
        await tx.due.add(r.group_id, THANK, r.id, "1", now + settings.nudges.thank_hours * 3600)


async def thanked(tx: UnitOfWork, r: Referral, now: int) -> None:
    await tx.due.cancel(r.group_id, (THANK,), now, target_id=r.id)


async def member_left(tx: UnitOfWork, member: Member, received: list[Referral], now: int) -> None:
    """A member who leaves is nudged no more about the referrals they received."""
    for r in received:
        await tx.due.cancel(r.group_id, REFERRAL_KINDS, now, target_id=r.id)


# --- quiet hours ---------------------------------------------------------------------------
def quiet_until(member: Member, group: Group, default_quiet: str, now: datetime) -> datetime | None:
    """When `now` falls in the member's quiet hours (in their own time zone), the moment the
    quiet hours that contain it end; otherwise None. Each night's quiet hours are a span of
    instants, from its start time to its end time (the next day's, for 21:00-07:00), so an
    instant in the second pass of a repeated hour is judged by the instants, not by the time
    it shows, and the answer is never a moment already past."""
    hours = QuietHours.parse(member.quiet_hours or default_quiet)
    start, end = hours.start.time(), hours.end.time()
    tz = member.tz or group.tz
    overnight = hours.overnight  # like 21:00-07:00: ends the next day
    today = local_date(now, tz)
    for day in (today - timedelta(days=1), today):
        begins = local_instant(day, start, tz)
        ends = local_instant(day + timedelta(days=overnight), end, tz)
        if begins <= now < ends:
            return ends
    return None
