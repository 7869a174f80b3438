"""Planning scheduled work: which rows of due work a change creates or cancels.

Rows are written in the same transaction as the change that makes them due, so nothing is
planned for a change that rolled back, and nothing planned is lost in a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.model import Group, Member, Referral, Status
from bot.ports import Repository
from bot.schedule import local_date, next_meeting

# meeting work, one row per group and meeting date
REMINDER_EVENING = "reminder.evening"
REMINDER_BEFORE = "reminder.before"
RECAP = "recap.weekly"
ACCOUNTABILITY = "nudge.accountability"
MEETING_KINDS = (REMINDER_EVENING, REMINDER_BEFORE, RECAP, ACCOUNTABILITY)

# monthly work, one row per group and month ("2026-12")
RECAP_MONTHLY = "recap.monthly"
SUGGEST_ONE_TO_ONE = "suggest.one_to_one"
MONTHLY_KINDS = (RECAP_MONTHLY, SUGGEST_ONE_TO_ONE)
MONTHLY_AT = time(9, 0)  # on the first of the month, group time

# referral work, one row per referral and occurrence
FOLLOW_UP = "nudge.follow_up"
NOT_CONTACTED = "nudge.not_contacted"  # the giver is told, privately, after the last follow-up
PROGRESS = "nudge.progress"
THANK = "nudge.thank"
REFERRAL_KINDS = (FOLLOW_UP, NOT_CONTACTED, PROGRESS, THANK)


@dataclass(frozen=True)
class GroupSchedule:
    """The config's defaults with the admin's overrides applied."""

    evening_before: str  # "HH:MM" or "" (off)
    hours_before: int  # 0 = off
    recap_hours_after: int
    accountability: bool


def group_schedule(settings: Settings, overrides: dict[str, str]) -> GroupSchedule:
    r = settings.reminders
    return GroupSchedule(
        evening_before=overrides.get("reminder.evening", r.evening_before),
        hours_before=int(overrides.get("reminder.before", r.hours_before)),
        recap_hours_after=int(overrides.get("recap.after", r.recap_hours_after)),
        accountability=overrides.get("nudge.accountability", "on") == "on",
    )


def meeting_times(sched: GroupSchedule, meeting_at: datetime, tz: str) -> dict[str, datetime]:
    """When each piece of a meeting's work is due (UTC), by kind."""
    out: dict[str, datetime] = {}
    zone = ZoneInfo(tz)
    if sched.evening_before:
        hh, mm = (int(x) for x in sched.evening_before.split(":"))
        day_before = meeting_at.astimezone(zone).date() - timedelta(days=1)
        out[REMINDER_EVENING] = datetime.combine(day_before, time(hh, mm), zone)
    if sched.hours_before:
        out[REMINDER_BEFORE] = meeting_at - timedelta(hours=sched.hours_before)
    out[RECAP] = meeting_at + timedelta(hours=sched.recap_hours_after)
    if sched.accountability:
        out[ACCOUNTABILITY] = out.get(REMINDER_EVENING, meeting_at - timedelta(hours=24))
    return out


async def plan_meeting(
    tx: Repository, settings: Settings, group: Group, after: datetime, now: datetime
) -> datetime | None:
    """Plan the work of the first meeting after `after`; rows already due before `now` are
    not planned (nobody wants yesterday's reminder). Returns that meeting's time."""
    if group.meeting is None:
        return None
    at = next_meeting(group.meeting, after, await tx.skips(group.id))
    if at is None:
        return None
    sched = group_schedule(settings, await tx.group_settings(group.id))
    occurrence = local_date(at, group.tz).isoformat()
    for kind, due in meeting_times(sched, at, group.tz).items():
        if due >= now:
            await tx.due_add(group.id, kind, 0, occurrence, int(due.timestamp()))
    return at


async def replan_meetings(
    tx: Repository, settings: Settings, group: Group, now: datetime
) -> datetime | None:
    """After the meeting, its skips or the group's settings change: drop what was planned and
    plan again from now. A recap for a meeting already held today or before stays: the
    meeting happened, whatever changes for the next one."""
    ts = int(now.timestamp())
    await tx.due_cancel(group.id, (REMINDER_EVENING, REMINDER_BEFORE, ACCOUNTABILITY), ts)
    today = local_date(now, group.tz).isoformat()
    await tx.due_cancel(group.id, (RECAP,), ts, occurrence_after=today)
    return await plan_meeting(tx, settings, group, now, now)


async def plan_month(tx: Repository, group: Group, after: datetime) -> None:
    """Plan the monthly recap and 1-2-1 suggestions for the first of the month after `after`
    (a new group waits a few weeks: twelve weeks of nothing is no recap)."""
    zone = ZoneInfo(group.tz)
    first = after.astimezone(zone).date().replace(day=1)
    at = datetime.combine(first, MONTHLY_AT, zone)
    if at <= after:
        first = (first + timedelta(days=32)).replace(day=1)
        at = datetime.combine(first, MONTHLY_AT, zone)
    for kind in MONTHLY_KINDS:
        await tx.due_add(group.id, kind, 0, f"{first:%Y-%m}", int(at.timestamp()))


NEW_GROUP_GRACE = timedelta(days=28)


# --- referrals -----------------------------------------------------------------------------
async def referral_logged(tx: Repository, settings: Settings, r: Referral) -> None:
    """A referral's receiver is nudged to follow up, sooner the hotter it is. Leads carry no
    introduction and no contact details to call, so they are not chased."""
    if r.kind.value != "referral":
        return
    hours = settings.nudges.follow_up_hours[r.heat]
    await tx.due_add(r.group_id, FOLLOW_UP, r.id, "1", r.created_at + hours * 3600)


async def status_changed(
    tx: Repository, settings: Settings, r: Referral, new: Status, now: int
) -> None:
    """Cancel what no longer applies and plan what the new status calls for."""
    if new is not Status.OPEN:
        await tx.due_cancel(r.group_id, (FOLLOW_UP, NOT_CONTACTED), now, target_id=r.id)
    await tx.due_cancel(r.group_id, (PROGRESS,), now, target_id=r.id)
    if new in (Status.CONTACTED, Status.MEETING):
        due = now + settings.nudges.progress_days * 86400
        await tx.due_add(r.group_id, PROGRESS, r.id, f"{new.value}@{now}", due)
    if new is Status.WON and r.thanked_at is None:
        await tx.due_add(r.group_id, THANK, r.id, "1", now + settings.nudges.thank_hours * 3600)


async def thanked(tx: Repository, r: Referral, now: int) -> None:
    await tx.due_cancel(r.group_id, (THANK,), now, target_id=r.id)


async def member_left(tx: Repository, member: Member, received: list[Referral], now: int) -> None:
    """A member who leaves is nudged no more about the referrals they received."""
    for r in received:
        await tx.due_cancel(r.group_id, REFERRAL_KINDS, now, target_id=r.id)


# --- quiet hours ---------------------------------------------------------------------------
def quiet_until(member: Member, group: Group, default_quiet: str, now: datetime) -> datetime | None:
    """When `now` falls in the member's quiet hours (in their own time zone), the moment those
    hours end; otherwise None."""
    window = member.quiet_hours or default_quiet
    start_s, end_s = window.split("-")
    zone = ZoneInfo(member.tz or group.tz)
    local = now.astimezone(zone)
    start = time(*(int(x) for x in start_s.split(":")))
    end = time(*(int(x) for x in end_s.split(":")))
    t = local.time()
    if start < end:
        inside = start <= t < end
        end_day = local.date()
    else:  # the window crosses midnight, like 21:00-07:00
        inside = t >= start or t < end
        end_day = local.date() + timedelta(days=1) if t >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, zone)
