"""The weekly meeting: show it, the admin sets it (and the group's time zone) or skips a date."""

from __future__ import annotations

from bot import currencies, due, messages
from bot.events import MeetingChanged
from bot.features.meetings import messages as meetings_messages
from bot.features.meetings.commands import SetMeeting, ShowMeeting, SkipMeeting
from bot.model import Meeting
from bot.out import OutMessage
from bot.schedule import local_date, next_meeting
from bot.text import fmt
from bot.work import Refusal, Work


async def show_meeting(w: Work, cmd: ShowMeeting) -> list[OutMessage]:
    group = await w.group()
    await w.actor(group)
    if group.meeting is None:
        return [messages.no_meeting()]
    skips = await w.tx.groups.skips(group.id)
    today = local_date(w.now, group.tz).isoformat()
    upcoming = sorted(d for d in skips if d >= today)
    return [
        meetings_messages.meeting_show(group, next_meeting(group.meeting, w.now, skips), upcoming)
    ]


async def set_meeting(w: Work, cmd: SetMeeting) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    if not me.is_admin:
        raise Refusal(messages.admin_only("set the weekly meeting"))
    meeting = Meeting(cmd.weekday, cmd.time, cmd.tz or group.tz, cmd.where or "")
    await w.tx.groups.set_meeting(group.id, meeting)
    await w.tx.groups.note_meeting_set(group.id, w.ts)  # lights count the meetings held from here
    changed = await w.tx.groups.get(group.id)
    assert changed is not None and changed.meeting is not None
    group = changed
    next_at = await due.replan_meetings(w.tx, w.settings, group, w.now)
    await w.post(group, meetings_messages.meeting_set(group, next_at))
    w.emit(MeetingChanged(group.id, group.channel))
    followed = await currencies.follow_zone(w, group)
    saved = "Saved; I've told the channel. /rapport meeting ics puts it in your calendar."
    return [messages.reply(saved, "meeting.saved")] + (
        [followed] if followed else []
    )


async def skip_meeting(w: Work, cmd: SkipMeeting) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    if not me.is_admin:
        raise Refusal(messages.admin_only("skip a meeting"))
    if group.meeting is None:
        return [messages.no_meeting()]
    day = cmd.day.isoformat()
    if cmd.day.weekday() != group.meeting.weekday:
        raise Refusal(messages.skip_not_meeting_day(day, group))
    if cmd.day < local_date(w.now, group.tz):
        raise Refusal(meetings_messages.skip_in_past(day))
    if not await w.tx.groups.add_skip(group.id, day):
        return [meetings_messages.already_skipped(day)]
    await due.replan_meetings(w.tx, w.settings, group, w.now)
    await w.post(group, meetings_messages.meeting_skipped(day, group))
    w.emit(MeetingChanged(group.id, group.channel))
    return [messages.reply(fmt("Skipped {d}; I've told the channel.", d=day), "meeting.saved")]
