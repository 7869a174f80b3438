"""Handlers for who comes to the meeting: RSVPs and the admin's attendance record (visitors
are bot/features/visitors).

An RSVP is what a member said they would do; attendance is what the admin confirmed. Only
confirmed attendance counts toward a member's light, and a meeting nobody confirmed for a
member is unknown, never absent.
"""

from __future__ import annotations

from datetime import date, datetime

from bot import messages
from bot.features.attendance import messages as attendance_messages
from bot.features.attendance.commands import MarkAttendance, Rsvp, ShowAttendance
from bot.features.leadership import attendance as palms
from bot.features.renewals.leave import on_leave
from bot.model import Group, UserRef
from bot.out import OutMessage
from bot.schedule import last_meeting, local_date, next_meeting
from bot.work import Refusal, Work


async def _meeting_day(w: Work, group: Group, day: date | None, upcoming: bool) -> date:
    """The meeting a command is about: the date given (which must be a meeting day), or the
    next meeting (RSVPs) or the latest one (attendance)."""
    if group.meeting is None:
        raise Refusal(messages.no_meeting())
    skips = await w.tx.groups.skips(group.id)
    if day is not None:
        if day.weekday() != group.meeting.weekday:
            raise Refusal(messages.skip_not_meeting_day(day.isoformat(), group))
        if day.isoformat() in skips:
            raise Refusal(attendance_messages.meeting_was_skipped(day.isoformat()))
        return day
    at: datetime | None = (
        next_meeting(group.meeting, w.now, skips, inclusive=True)
        if upcoming
        else last_meeting(group.meeting, w.now, skips)
    )
    if at is None:
        coming = next_meeting(group.meeting, w.now, skips)
        raise Refusal(
            attendance_messages.no_meeting_to_record(
                local_date(coming, group.tz).isoformat() if coming else None
            )
        )
    return local_date(at, group.tz)


async def rsvp(w: Work, cmd: Rsvp) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    day = await _meeting_day(w, group, cmd.day, upcoming=True)
    if day < local_date(w.now, group.tz):
        raise Refusal(attendance_messages.rsvp_past(day.isoformat()))
    await w.tx.attendance.set_rsvp(group.id, me.id, day.isoformat(), cmd.answer)
    return [attendance_messages.rsvp_saved(cmd.answer, day.isoformat())]


async def show_attendance(w: Work, cmd: ShowAttendance) -> list[OutMessage]:
    group = await w.group()
    await w.actor(group)
    day = await _meeting_day(w, group, cmd.day, upcoming=False)
    records = await w.tx.attendance.on_day(group.id, day.isoformat())
    members = await w.tx.members.of_group(group.id)
    subs = await palms.substitute_names(w, group, day.isoformat())
    return [attendance_messages.attendance_view(day.isoformat(), members, records, subs=subs)]


async def mark_attendance(w: Work, cmd: MarkAttendance) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    if not me.is_admin:
        raise Refusal(messages.admin_only("record attendance"))
    day = await _meeting_day(w, group, cmd.day, upcoming=False)
    if day > local_date(w.now, group.tz):
        raise Refusal(attendance_messages.attendance_future(day.isoformat()))
    key = day.isoformat()
    resting = await on_leave(w.tx, group.id, day)  # a member on leave is never counted absent
    before = {m: status for m, (_, status) in (await w.tx.attendance.on_day(group.id, key)).items()}
    if cmd.confirm:
        for member_id, (answer, status) in (await w.tx.attendance.on_day(group.id, key)).items():
            if answer and status is None:
                confirmed = {"attending": "present", "substitute": "substitute"}.get(
                    answer, "absent"
                )
                if not (confirmed == "absent" and member_id in resting):
                    await w.tx.attendance.set_status(group.id, member_id, key, confirmed)
    named = dict(cmd.sub_names)
    for i, (status, who) in enumerate(cmd.marks):
        assert isinstance(who, UserRef)
        member = await w.member_of(group, who)
        if status == "absent" and member.id in resting:
            continue
        await w.tx.attendance.set_status(group.id, member.id, key, status)
        if i in named:
            await palms.name_substitute(w, group, member, key, named[i])
    # PALMS: the absence rule's private notices, once per absence
    await palms.absence_rule(w, group, key, before)
    records = await w.tx.attendance.on_day(group.id, key)
    subs = await palms.substitute_names(w, group, key)
    members = await w.tx.members.of_group(group.id)
    return [attendance_messages.attendance_view(key, members, records, saved=True, subs=subs)]
