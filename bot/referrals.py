"""Handlers for the referral loop: give a referral or lead, move it along, thank the giver."""

from __future__ import annotations

from datetime import timedelta

from bot import due, messages
from bot.commands import ListReferrals, LogLead, LogReferral, SnoozeReferral, Thank, UpdateReferral
from bot.model import STATUS_RANK, Group, Kind, Member, Referral, Status, UserRef
from bot.out import OutMessage
from bot.work import Refusal, Work

LIST_LIMIT = 20


async def log_referral(w: Work, cmd: LogReferral) -> list[OutMessage]:
    assert isinstance(cmd.member, UserRef)
    group = await w.group()
    giver = await w.actor(group)
    receiver = await w.member_of(group, cmd.member)
    if receiver.id == giver.id:
        raise Refusal(messages.self_referral())
    # A referral carries the prospect's contact details (and so their consent to be called);
    # without any, what the member has is a lead.
    kind = Kind.REFERRAL if (cmd.email or cmd.phone) else Kind.LEAD
    r = await _store(
        w,
        group,
        giver,
        receiver,
        kind,
        cmd.prospect,
        cmd.email,
        cmd.phone,
        cmd.need,
        cmd.heat,
        cmd.inside,
    )
    if kind is Kind.LEAD:
        return [messages.recorded_as_lead(r, receiver)]
    return [messages.referral_logged(r, receiver, giver.user)]


async def log_lead(w: Work, cmd: LogLead) -> list[OutMessage]:
    assert isinstance(cmd.member, UserRef)
    group = await w.group()
    giver = await w.actor(group)
    receiver = await w.member_of(group, cmd.member)
    if receiver.id == giver.id:
        raise Refusal(messages.self_referral())
    r = await _store(
        w, group, giver, receiver, Kind.LEAD, cmd.business, None, None, cmd.details, 3, False
    )
    return [messages.referral_logged(r, receiver, giver.user)]


async def _store(
    w: Work,
    group: Group,
    giver: Member,
    receiver: Member,
    kind: Kind,
    prospect: str,
    email: str | None,
    phone: str | None,
    need: str | None,
    heat: int,
    inside: bool,
) -> Referral:
    r = await w.tx.add_referral(
        group_id=group.id,
        giver_id=giver.id,
        receiver_id=receiver.id,
        kind=kind,
        prospect=prospect,
        email=email,
        phone=phone,
        need=need,
        heat=heat,
        inside=inside,
        now=w.ts,
        request_key=w.ctx.request_key,
    )
    await due.referral_logged(w.tx, w.settings, r)
    await w.dm(group, receiver, messages.referral_received_dm(r, giver.user))
    await w.post(group, messages.referral_post(r, giver.user, receiver.user))
    return r


async def list_referrals(w: Work, cmd: ListReferrals) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    items = []
    cache: dict[int, Member] = {me.id: me}
    for r in await w.tx.referrals_of(me.id, cmd.which, LIST_LIMIT):
        for mid in (r.giver_id, r.receiver_id):
            if mid not in cache:
                m = await w.tx.member_by_id(mid)
                assert m is not None
                cache[mid] = m
        items.append((r, cache[r.giver_id], cache[r.receiver_id]))
    return [messages.referral_list(items, cmd.which, me.id)]


async def _own_referral(w: Work, referral_id: int) -> tuple[Group, Member, Referral]:
    """A referral the actor received. Anything else reads as "not found", so ids from other
    groups reveal nothing."""
    r = await w.tx.referral(referral_id)
    group = await w.group_by_id(r.group_id) if r else None
    if r is None or group is None:
        raise Refusal(messages.not_found(referral_id))
    actor = await w.tx.member(group.id, w.ctx.actor.user_id)
    if actor is None or not actor.active:
        raise Refusal(messages.not_found(referral_id))
    if actor.id != r.receiver_id:
        if actor.id == r.giver_id:
            receiver = await w.tx.member_by_id(r.receiver_id)
            assert receiver is not None
            raise Refusal(messages.only_receiver(r, receiver.user))
        raise Refusal(messages.not_found(referral_id))
    return group, await w.actor(group), r


def check_transition(r: Referral, new: Status, note: str | None) -> None:
    """Forward only; a closed referral reopens only with a note saying why."""
    if new is r.status:
        raise Refusal(messages.already_status(r))
    if r.status.closed:
        if not note:
            raise Refusal(messages.reopen_needs_note(r, new))
        return
    if STATUS_RANK[new] < STATUS_RANK[r.status]:
        raise Refusal(messages.cannot_go_back(r, new))


async def change_status(
    w: Work,
    group: Group,
    receiver: Member,
    r: Referral,
    new: Status,
    amount: int | None,
    note: str | None,
    prompt_thanks: bool = True,
) -> None:
    await w.tx.set_referral_status(r.id, new, amount, w.ts)
    await w.tx.add_referral_event(r.id, receiver.id, new, note, w.ts)
    await due.status_changed(w.tx, w.settings, r, new, w.ts)
    if amount:
        await _record_business(w, group, r, receiver, amount, note)
    giver = await w.tx.member_by_id(r.giver_id)
    assert giver is not None
    await w.dm(group, giver, messages.status_dm_to_giver(r, receiver.user, new, note))
    if new is Status.WON and prompt_thanks and r.thanked_at is None:
        await w.dm(group, receiver, messages.thank_prompt_dm(r, giver.user))


async def _record_business(
    w: Work,
    group: Group,
    r: Referral | None,
    receiver: Member,
    amount: int,
    note: str | None,
    giver_id: int | None = None,
) -> None:
    await w.tx.add_closed_business(
        group_id=group.id,
        referral_id=r.id if r else None,
        giver_id=r.giver_id if r else giver_id,
        receiver_id=receiver.id,
        amount_cents=amount,
        currency=group.currency,
        note=note,
        now=w.ts,
    )


async def update_referral(w: Work, cmd: UpdateReferral) -> list[OutMessage]:
    if cmd.amount_cents and cmd.status is not Status.WON:
        raise Refusal(messages.only_won_takes_amount())
    group, me, r = await _own_referral(w, cmd.referral_id)
    amount_text = messages.money(cmd.amount_cents, group.currency) if cmd.amount_cents else None
    if cmd.status is Status.WON and r.status is Status.WON and cmd.amount_cents:
        # "won 1500" on a referral already won: record the value it closed at
        if r.amount_cents:
            raise Refusal(messages.amount_already_recorded(r))
        await w.tx.set_referral_status(r.id, Status.WON, cmd.amount_cents, w.ts)
        await _record_business(w, group, r, me, cmd.amount_cents, cmd.note)
        assert amount_text
        return [messages.amount_recorded(r, amount_text)]
    check_transition(r, cmd.status, cmd.note)
    await change_status(w, group, me, r, cmd.status, cmd.amount_cents, cmd.note)
    giver = await w.tx.member_by_id(r.giver_id)
    assert giver is not None
    return [messages.status_changed(r, cmd.status, amount_text, cmd.note, giver.user)]


async def thank(w: Work, cmd: Thank) -> list[OutMessage]:
    rid, amount = cmd.referral_id, cmd.amount_cents
    if cmd.member is None and rid is None:
        raise Refusal(messages.usage("thanks", "Say whom you thank, or give the referral id."))
    r: Referral | None = None
    if rid is not None:
        group, me, r = await _own_referral(w, rid)
    else:
        group = await w.group()
        me = await w.actor(group)
    giver: Member | None = None
    if cmd.member is not None:
        assert isinstance(cmd.member, UserRef)
        giver = await w.member_of(group, cmd.member)
        if giver.id == me.id:
            raise Refusal(messages.thank_yourself())
    if cmd.bare_number is not None and giver is not None and r is None:
        # "/thanks @alice 12": referral #12 if alice gave it to you, otherwise an amount
        candidate = await w.tx.referral(cmd.bare_number)
        if candidate and candidate.group_id == group.id and candidate.receiver_id == me.id:
            # a referral you received: the number is its id (and the giver must match)
            r, amount = candidate, None
    if r is not None:
        if giver is not None and giver.id != r.giver_id:
            actual = await w.tx.member_by_id(r.giver_id)
            assert actual is not None
            raise Refusal(messages.wrong_giver(r, actual.user))
        giver = await w.tx.member_by_id(r.giver_id)
    assert giver is not None
    if giver.id == me.id:
        raise Refusal(messages.thank_yourself())
    if r is not None and r.thanked_at is not None and not amount:
        return [messages.already_thanked(r, giver.user)]
    if amount and r is not None:
        if r.status is Status.WON:
            if r.amount_cents:
                raise Refusal(messages.amount_already_recorded(r))
            await w.tx.set_referral_status(r.id, Status.WON, amount, w.ts)
            await _record_business(w, group, r, me, amount, cmd.note)
        elif r.status is Status.LOST:
            raise Refusal(messages.reopen_before_thanks(r))
        else:
            await change_status(w, group, me, r, Status.WON, amount, cmd.note, prompt_thanks=False)
    elif amount:
        await _record_business(w, group, None, me, amount, cmd.note, giver_id=giver.id)
    if r is not None:
        await w.tx.mark_thanked(r.id, w.ts)
        await due.thanked(w.tx, r, w.ts)
    await w.tx.add_thanks(
        group_id=group.id,
        from_id=me.id,
        to_id=giver.id,
        referral_id=r.id if r else None,
        note=cmd.note,
        now=w.ts,
    )
    await w.post(group, messages.thanks_post(me.user, giver.user, r, bool(amount), cmd.note))
    amount_text = messages.money(amount, group.currency) if amount else None
    return [messages.thanks_done(giver.user, amount_text)]


async def snooze(w: Work, cmd: SnoozeReferral) -> list[OutMessage]:
    """The receiver postpones a referral's reminders (they are on it, or away)."""
    group, _, r = await _own_referral(w, cmd.referral_id)
    until = w.now + timedelta(hours=cmd.hours)
    if not await w.tx.due_snooze(group.id, r.id, due.REFERRAL_KINDS, int(until.timestamp())):
        return [messages.nothing_to_snooze(r)]
    return [messages.snoozed(r, until, group.tz)]
