"""The presenter's and educator's scheduled DMs: a week before their meeting ("reply with your
topic") and the evening before. Planned with the meeting's other work (bot.due), so a moved or
skipped meeting re-plans or cancels them like its reminders."""

from __future__ import annotations

from bot import due
from bot.features.presenters import messages as say
from bot.model import DueState, Group
from bot.ports import DueItem
from bot.reminders import Outcome
from bot.schedule import is_meeting, meeting_date
from bot.work import Work


async def meeting_still_on(w: Work, item: DueItem, group: Group) -> Outcome | None:
    """None when the meeting this work is for is still to come; otherwise how it ends."""
    if group.meeting is None:
        return Outcome(DueState.CANCELLED, "the group has no meeting")
    at = due.meeting_of(item.occurrence)
    if not is_meeting(group.meeting, at, await w.tx.groups.skips(group.id)):
        return Outcome(DueState.CANCELLED, "the meeting was skipped or moved")
    if w.now >= at:
        return Outcome(DueState.DROPPED, f"late: ran at {w.now.isoformat()}")
    return None


async def run(w: Work, item: DueItem, group: Group) -> Outcome:
    if (ended := await meeting_still_on(w, item, group)) is not None:
        return ended
    assert group.meeting is not None
    at = due.meeting_of(item.occurrence)
    day = meeting_date(group.meeting, at)
    word = say.week_before if item.kind == due.PRESENTER_WEEK else say.day_before
    for slot in await w.tx.slots.on_day(group.id, day.isoformat()):
        member = await w.tx.members.by_id(slot.member_id)
        if member is None or not member.active:
            continue
        quiet = due.quiet_until(member, group, w.settings.quiet_hours, w.now)
        later = int(quiet.timestamp()) if quiet and quiet < at else None
        await w.dm(group, member, word(slot.slot, day, at, group.tz, slot.topic), later)
    return Outcome(DueState.DONE)
