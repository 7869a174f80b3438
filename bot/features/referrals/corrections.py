"""Handlers that correct a referral after the fact: the receiver's amount correction, the
giver's edit, and a withdrawal by the giver or an admin.

Each keeps the referral's history (the value it replaced, the reason) and tells the other
side what changed, never more than they already had: the giver hears that an amount was
corrected, never the amount.
"""

from __future__ import annotations

from bot import contacts, due, messages, usage
from bot.features.referrals import messages as referrals_messages
from bot.features.referrals.commands import (
    CorrectAmount,
    EditReferral,
    ShowBusiness,
    WithdrawReferral,
)
from bot.features.referrals.handlers import (
    _own_referral,
    read_amount,
    region,
    same_prospect_as,
    tell_receivers,
    with_notes,
)
from bot.grammar import MAX_NAME
from bot.model import WITHDRAWN, ClosedBusiness, Group, Kind, Member, Referral, UserRef
from bot.out import OutMessage
from bot.text import Rich
from bot.work import Refusal, Work


async def _business(
    w: Work, referral_id: int | None, business_id: int | None
) -> tuple[Group, Member, ClosedBusiness, Referral | None]:
    """Closed business the actor recorded: a referral's they received (by its id), or one
    their /thanks recorded (B and its id). Anything else reads as not found."""
    if business_id is None:
        assert referral_id is not None
        group, me, r = await _own_referral(w, referral_id)
        b = await w.tx.business.of_referral(r.id)
        if b is None:
            raise Refusal(referrals_messages.no_amount_to_correct(r))
        return group, me, b, r
    found = await w.tx.business.get(business_id)
    home = await w.group_by_id(found.group_id) if found else None
    actor = await w.tx.members.get(home.id, w.ctx.actor.user_id) if home else None
    if found is None or home is None or actor is None or not actor.active:
        raise Refusal(referrals_messages.no_such_business(business_id))
    if actor.id != found.receiver_id:
        raise Refusal(referrals_messages.no_such_business(business_id))
    referral = (
        await w.tx.referrals.get(found.referral_id) if found.referral_id is not None else None
    )
    return home, await w.actor(home), found, referral


async def correct_amount(w: Work, cmd: CorrectAmount) -> list[OutMessage]:
    """The receiver corrects what they recorded, or takes it out ("none"); its history
    keeps the value it replaced and why. The giver hears that it changed, never the
    amount, and only when the amount did (new or repeat is the receiver's bookkeeping)."""
    group, me, b, r = await _business(w, cmd.referral_id, cmd.business_id)
    typed = cmd.amount.text.strip() if cmd.amount else None
    new: int | None
    if typed is not None and typed.casefold() == "none":
        new = None
    elif cmd.amount is not None:
        new = read_amount(group, cmd.amount, to_remove=f"/referrals amount {b.label} none")
    else:
        new = b.amount_cents
    repeat = b.repeat if cmd.repeat is None else cmd.repeat
    if new is not None and (new, repeat) == (b.amount_cents, b.repeat):
        return [referrals_messages.amount_unchanged(b)]
    await w.tx.business.correct(b, new, repeat, member_id=me.id, note=cmd.note, now=w.ts)
    history = await w.tx.business.history(b)
    giver = await w.tx.members.by_id(b.giver_id) if b.giver_id is not None else None
    who: UserRef | Rich | None = None
    told = False
    if new != b.amount_cents and giver is not None and giver.active:
        who = giver.user
        told = await w.dm(
            group, giver, referrals_messages.amount_corrected_dm(b, r, me.user, new is None)
        )
    return [referrals_messages.business_corrected(b, new, repeat, group, history, who, told)]


async def show_business(w: Work, cmd: ShowBusiness) -> list[OutMessage]:
    group, _, b, _ = await _business(w, cmd.referral_id, cmd.business_id)
    return [referrals_messages.business_shown(b, group, await w.tx.business.history(b))]


async def _given(w: Work, referral_id: int) -> tuple[Group, Member, Referral]:
    """A referral in the actor's group, and the actor; ids of other groups read as not found."""
    r = await w.tx.referrals.get(referral_id)
    group = await w.group_by_id(r.group_id) if r else None
    actor = await w.tx.members.get(group.id, w.ctx.actor.user_id) if group else None
    if r is None or group is None or actor is None or not actor.active:
        raise Refusal(referrals_messages.not_found(referral_id))
    return group, await w.actor(group), r


NAME_LABELS = frozenset({"name", "prospect"})


async def edit(w: Work, cmd: EditReferral) -> list[OutMessage]:
    group, me, r = await _given(w, cmd.referral_id)
    if me.id != r.giver_id:
        if me.id != r.receiver_id:
            raise Refusal(referrals_messages.not_found(r.id))
        raise Refusal(
            referrals_messages.only_giver_edits(r, messages.person(await _member(w, r.giver_id)))
        )
    if not r.open:
        raise Refusal(referrals_messages.not_open(r, "be corrected"))
    receiver = await _member(w, r.receiver_id)
    if not receiver.active:  # nobody works it now: its details must go to no one
        raise Refusal(referrals_messages.receiver_gone(r, messages.person(receiver)))
    text = _without_name_label(cmd.text)
    try:
        found = contacts.take(text, None, region(group)) if text else None
    except contacts.ContactProblem as e:
        raise Refusal(referrals_messages.contact_problem(e, group)) from None
    if found and _only_a_label(found.name):
        raise Refusal(referrals_messages.label_alone(r, found.name))
    name = (found.name if found else "") or r.prospect
    if len(name) > MAX_NAME:
        raise Refusal(
            usage.usage("referrals", f"The prospect's name is too long (at most {MAX_NAME}).")
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
        return [referrals_messages.nothing_edited(r)]
    earlier: list[tuple[Referral, Member]] = []
    if {"name", "email", "phone"} & set(changed):
        # the corrected prospect may be one the pair already has open, or one another
        # member received lately: the same checks as a new referral
        found_now = contacts.Found(name, email, phone, need, 0, None)
        earlier = await same_prospect_as(w, group, me, receiver, found_now, edited=r)
    kind = Kind.REFERRAL if (email or phone) else r.kind
    became_referral = r.kind is Kind.LEAD and kind is Kind.REFERRAL
    edited = await w.tx.referrals.edit(
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
    await w.tx.referrals.add_event(r.id, me.id, "edited", ", ".join(changed), w.ts)
    if became_referral:
        # now a referral like any other: counted as one, chased as one, and the receiver
        # gets everything a referral brings
        await due.referral_logged(w.tx, w.settings, edited)
        told = await w.dm(group, receiver, referrals_messages.referral_received_dm(edited, me.user))
    else:
        if edited.heat != r.heat:
            await due.heat_changed(w.tx, w.settings, r, edited, w.ts)
        told = await w.dm(group, receiver, referrals_messages.edited_dm(edited, me.user, changed))
    notes = await tell_receivers(w, group, me, receiver, edited, earlier) if earlier else None
    said = referrals_messages.edited(edited, changed, became_referral, receiver.user, told)
    return [with_notes(said, notes) if notes else said]


def _without_name_label(text: str) -> str:
    """ "name Tim Tam" or "prospect: Tim Tam": the words after the label are the name."""
    head, _, rest = text.partition(" ")
    if rest and head.casefold().rstrip(":") in NAME_LABELS:
        return rest
    return text


def _only_a_label(name: str) -> bool:
    """What is left is only a label ("email" with no address after it): not a name."""
    return (
        bool(name)
        and " " not in name
        and name.casefold().rstrip(":") in contacts.LABELS | NAME_LABELS
    )


async def withdraw(w: Work, cmd: WithdrawReferral) -> list[OutMessage]:
    group, me, r = await _given(w, cmd.referral_id)
    giver = await _member(w, r.giver_id)
    if me.id != r.giver_id and not me.is_admin:
        if me.id != r.receiver_id:
            raise Refusal(referrals_messages.not_found(r.id))
        raise Refusal(referrals_messages.only_giver_withdraws(r, messages.person(giver)))
    if r.ended is not None:
        raise Refusal(referrals_messages.not_open(r, "be withdrawn"))
    if await w.tx.business.of_referral(r.id) is not None:
        # closed business is the receiver's to correct: a withdrawal must not take it out
        receiver = await _member(w, r.receiver_id)
        raise Refusal(
            referrals_messages.cannot_withdraw_with_business(r, messages.person(receiver))
        )
    await w.tx.referrals.end(r.id, WITHDRAWN, w.ts)
    await w.tx.referrals.add_event(r.id, me.id, WITHDRAWN, cmd.note, w.ts)
    await w.tx.due.cancel(group.id, due.REFERRAL_KINDS, w.ts, target_id=r.id)
    receiver = await _member(w, r.receiver_id)
    told = receiver.active and await w.dm(
        group, receiver, referrals_messages.withdrawn_dm(r, me.user, cmd.note)
    )
    if me.id != giver.id and giver.active:  # an admin took it back: the giver hears too
        await w.dm(group, giver, referrals_messages.withdrawn_dm(r, me.user, cmd.note))
    return [
        referrals_messages.withdrawn(r, messages.person(receiver), told, left=not receiver.active)
    ]


async def _member(w: Work, member_id: int) -> Member:
    m = await w.tx.members.by_id(member_id)
    assert m is not None
    return m
