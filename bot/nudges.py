"""Running a referral's scheduled work: follow-up, progress and thank-you nudges.

Each nudge checks the referral's state when it runs (a contacted referral is not chased,
a thanked one not reminded), waits out the member's quiet hours, and plans the next one.
"""

from __future__ import annotations

from bot import due, messages
from bot.model import DueState, Group, Member, Status
from bot.ports import DueItem
from bot.reminders import Outcome
from bot.work import Work


async def run(w: Work, item: DueItem, group: Group) -> Outcome:
    r = await w.tx.referrals.get(item.target_id)
    if r is None or r.group_id != group.id:
        return Outcome(DueState.CANCELLED, "no such referral")
    receiver = await w.tx.members.by_id(r.receiver_id)
    giver = await w.tx.members.by_id(r.giver_id)
    assert receiver is not None and giver is not None
    if not receiver.active:
        return Outcome(DueState.CANCELLED, "the receiver left")
    if r.ended is not None:
        return Outcome(DueState.CANCELLED, r.ended)
    # a giver erased at their request is named in words, never mentioned
    from_whom = messages.person(giver)
    nudges = w.settings.nudges

    def quiet(m: Member) -> Outcome | None:
        end = due.quiet_until(m, group, w.settings.quiet_hours, w.now)
        return Outcome(DueState.POSTPONED, "quiet hours", int(end.timestamp())) if end else None

    if item.kind == due.FOLLOW_UP:
        if r.status is not Status.OPEN:
            return Outcome(DueState.CANCELLED, f"already {r.status.value}")
        if wait := quiet(receiver):
            return wait
        number = int(item.occurrence)
        await w.dm(
            group, receiver, messages.follow_up_nudge(r, from_whom, number, nudges.max_follow_ups)
        )
        later = w.ts + nudges.repeat_hours * 3600
        if number < nudges.max_follow_ups:
            await w.tx.due.add(group.id, due.FOLLOW_UP, r.id, str(number + 1), later)
        else:
            await w.tx.due.add(group.id, due.NOT_CONTACTED, r.id, "1", later)
        return Outcome(DueState.DONE)

    if item.kind == due.NOT_CONTACTED:
        if r.status is not Status.OPEN:
            return Outcome(DueState.CANCELLED, f"already {r.status.value}")
        if not giver.active:
            return Outcome(DueState.CANCELLED, "the giver left")
        if wait := quiet(giver):
            return wait
        days = max(1, (w.ts - r.created_at) // 86400)
        await w.dm(
            group, giver, messages.not_contacted_notice(r, receiver.user, days, receiver.dm_enabled)
        )
        return Outcome(DueState.DONE)

    if item.kind == due.PROGRESS:
        if r.status not in (Status.CONTACTED, Status.MEETING) or not item.occurrence.startswith(
            f"{r.status.value}@"
        ):
            return Outcome(DueState.CANCELLED, "it moved on")
        if wait := quiet(receiver):
            return wait
        await w.dm(group, receiver, messages.progress_nudge(r, from_whom, nudges.progress_days))
        return Outcome(DueState.DONE)

    if item.kind == due.THANK:
        if r.status is not Status.WON or r.thanked_at is not None:
            return Outcome(DueState.CANCELLED, "already thanked")
        if giver.forgotten:
            return Outcome(DueState.CANCELLED, "the giver was forgotten")
        if wait := quiet(receiver):
            return wait
        await w.dm(group, receiver, messages.thank_nudge(r, giver.user))
        return Outcome(DueState.DONE)
    return Outcome(DueState.CANCELLED, f"unknown kind {item.kind}")
