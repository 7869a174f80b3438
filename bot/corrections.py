"""Handlers that correct a referral after the fact: the receiver's amount correction, the
giver's edit, and a withdrawal by the giver or an admin.

Each keeps the referral's history (the value it replaced, the reason) and tells the other
side what changed, never more than they already had: the giver hears that an amount was
corrected, never the amount.
"""

from __future__ import annotations

from bot import contacts, due, messages
from bot import messages_records as words
from bot.commands import MAX_NAME, CorrectAmount, EditReferral, WithdrawReferral
from bot.model import WITHDRAWN, Group, Kind, Member, Referral, Status
from bot.out import OutMessage
from bot.referrals import _own_referral, read_amount, region
from bot.work import Refusal, Work


async def correct_amount(w: Work, cmd: CorrectAmount) -> list[OutMessage]:
    group, me, r = await _own_referral(w, cmd.referral_id)
    recorded = await w.tx.business_of(r.id)
    if r.status is not Status.WON or recorded is None:
        raise Refusal(words.no_amount_to_correct(r))
    old, was_repeat = recorded
    new = read_amount(group, cmd.amount)
    repeat = was_repeat if cmd.repeat is None else cmd.repeat
    if (new, repeat) == (old, was_repeat):
        return [words.amount_unchanged(r)]
    await w.tx.correct_business(r.id, new, repeat)
    await w.tx.add_referral_event(
        r.id, me.id, "amount", cmd.note, w.ts, old_amount_cents=old, new_amount_cents=new
    )
    giver = await _member(w, r.giver_id)
    if not giver.forgotten:
        await w.dm(group, giver, words.amount_corrected_dm(r, me.user))
    return [
        words.amount_corrected(
            r,
            messages.group_money(old, group),
            messages.group_money(new, group),
            words.person(giver),
        )
    ]


async def _given(w: Work, referral_id: int) -> tuple[Group, Member, Referral]:
    """A referral in the actor's group, and the actor; ids of other groups read as not found."""
    r = await w.tx.referral(referral_id)
    group = await w.group_by_id(r.group_id) if r else None
    actor = await w.tx.member(group.id, w.ctx.actor.user_id) if group else None
    if r is None or group is None or actor is None or not actor.active:
        raise Refusal(messages.not_found(referral_id))
    return group, await w.actor(group), r


async def edit(w: Work, cmd: EditReferral) -> list[OutMessage]:
    group, me, r = await _given(w, cmd.referral_id)
    if me.id != r.giver_id:
        if me.id != r.receiver_id:
            raise Refusal(messages.not_found(r.id))
        raise Refusal(words.only_giver_edits(r, words.person(await _member(w, r.giver_id))))
    if not r.open:
        raise Refusal(words.not_open(r, "be corrected"))
    try:
        found = contacts.take(cmd.text, None, region(group)) if cmd.text else None
    except contacts.ContactProblem as e:
        raise Refusal(words.contact_problem(e, group)) from None
    name = (found.name if found else "") or r.prospect
    if len(name) > MAX_NAME:
        raise Refusal(
            messages.usage("referrals", f"The prospect's name is too long (at most {MAX_NAME}).")
        )
    email = (found.email if found else None) or r.email
    phone = (found.phone if found else None) or r.phone
    need = cmd.need if cmd.need is not None else r.need
    if found and found.need and found.phones_seen > 1:  # a second phone: kept in the need
        need = " ".join(x for x in (need, found.need) if x)
    heat = cmd.heat if cmd.heat is not None else r.heat
    changed = [
        label
        for label, before, after in (
            ("name", r.prospect, name),
            ("email", r.email, email),
            ("phone", r.phone, phone),
            ("need", r.need, need),
            ("heat", r.heat if r.heat_given else None, cmd.heat if cmd.heat is not None else None),
        )
        if after is not None and after != before
    ]
    if not changed:
        return [words.nothing_edited(r)]
    kind = Kind.REFERRAL if (email or phone) else r.kind
    became_referral = r.kind is Kind.LEAD and kind is Kind.REFERRAL
    edited = await w.tx.edit_referral(
        r.id,
        kind=kind,
        prospect=name,
        email=email,
        phone=phone,
        need=need,
        heat=heat,
        heat_given=r.heat_given or cmd.heat is not None,
        now=w.ts,
    )
    await w.tx.add_referral_event(r.id, me.id, "edited", ", ".join(changed), w.ts)
    receiver = await _member(w, r.receiver_id)
    if became_referral:
        # now a referral like any other: counted as one, chased as one, and the receiver
        # gets everything a referral brings
        await due.referral_logged(w.tx, w.settings, edited)
        await w.dm(group, receiver, messages.referral_received_dm(edited, me.user))
    else:
        await w.dm(group, receiver, words.edited_dm(edited, me.user, changed))
    return [words.edited(edited, changed, became_referral, receiver.user)]


async def withdraw(w: Work, cmd: WithdrawReferral) -> list[OutMessage]:
    group, me, r = await _given(w, cmd.referral_id)
    giver = await _member(w, r.giver_id)
    if me.id != r.giver_id and not me.is_admin:
        if me.id != r.receiver_id:
            raise Refusal(messages.not_found(r.id))
        raise Refusal(words.only_giver_withdraws(r, words.person(giver)))
    if r.ended is not None:
        raise Refusal(words.not_open(r, "be withdrawn"))
    if r.status is Status.WON and r.amount_cents:
        raise Refusal(words.cannot_withdraw_won(r))
    await w.tx.end_referral(r.id, WITHDRAWN, w.ts)
    await w.tx.add_referral_event(r.id, me.id, WITHDRAWN, cmd.note, w.ts)
    await w.tx.due_cancel(group.id, due.REFERRAL_KINDS, w.ts, target_id=r.id)
    receiver = await _member(w, r.receiver_id)
    if receiver.active:
        await w.dm(group, receiver, words.withdrawn_dm(r, me.user, cmd.note))
    if me.id != giver.id and giver.active:  # an admin took it back: the giver hears too
        await w.dm(group, giver, words.withdrawn_dm(r, me.user, cmd.note))
    return [words.withdrawn(r, receiver.user)]


async def _member(w: Work, member_id: int) -> Member:
    m = await w.tx.member_by_id(member_id)
    assert m is not None
    return m
