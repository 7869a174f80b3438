"""Handlers for the referral loop: give a referral or lead, move it along, thank the giver."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from bot import contacts, due, messages, money, usage
from bot.features.referrals import messages as referrals_messages
from bot.features.referrals.commands import (
    ListReferrals,
    LogLead,
    LogReferral,
    SnoozeReferral,
    Thank,
    UpdateReferral,
)
from bot.grammar import DEFAULT_HEAT, MAX_NAME, Amount
from bot.model import STATUS_RANK, Group, Kind, Member, Referral, Status, UserRef
from bot.out import OutMessage
from bot.text import Rich
from bot.work import Refusal, Work

LIST_LIMIT = 20
SAME_PROSPECT_DAYS = 90  # another member received the same prospect this recently: say so


def read_amount(
    group: Group, amount: Amount, plain_ok: bool = True, to_remove: str | None = None
) -> int:
    """A typed amount in the group's currency, in minor units; a refusal naming what was
    wrong (and the group's currency) otherwise, so nothing is stored. `plain_ok` False:
    a bare number could be something else here, so it must carry currency or decimals."""
    try:
        return money.read(amount.text, group.currency, money.locale_of(group), plain_ok)
    except money.AmountProblem as e:
        raise Refusal(
            referrals_messages.amount_problem(e, amount.text, group, plain_ok, to_remove)
        ) from None


def region(group: Group) -> str | None:
    """The group's country: phones written without a country code are read as its."""
    return money.territory(group.tz)


async def log_referral(w: Work, cmd: LogReferral) -> list[OutMessage]:
    assert isinstance(cmd.member, UserRef)
    group = await w.group()
    giver = await w.actor(group)
    receiver = await w.member_of(group, cmd.member)
    if receiver.id == giver.id:
        raise Refusal(referrals_messages.self_referral())
    try:
        if cmd.email is None and cmd.phone is None:
            found = contacts.take(cmd.prospect, cmd.need, region(group))
        else:  # a form: each field on its own
            found = contacts.Found(
                cmd.prospect,
                contacts.email(cmd.email) if cmd.email else None,
                contacts.phone(cmd.phone, region(group)) if cmd.phone else None,
                cmd.need,
                int(bool(cmd.phone)),
                cmd.phone,
            )
    except contacts.ContactProblem as e:
        raise Refusal(referrals_messages.contact_problem(e, group)) from None
    if not found.name:
        raise Refusal(
            usage.usage("referral", "Who is the prospect? Write their name before the details.")
        )
    if len(found.name) > MAX_NAME:
        raise Refusal(
            usage.usage(
                "referral",
                f"The prospect's name is too long ({len(found.name)} characters; at most {MAX_NAME}).",
            )
        )
    earlier = await same_prospect_as(w, group, giver, receiver, found)
    # A referral carries the prospect's contact details (and so their consent to be called);
    # without any, what the member has is a lead.
    kind = Kind.REFERRAL if (found.email or found.phone) else Kind.LEAD
    r = await _store(
        w,
        group,
        giver,
        receiver,
        kind,
        found.name,
        found.email,
        found.phone,
        found.need,
        cmd.heat or DEFAULT_HEAT,
        cmd.inside,
        heat_given=cmd.heat is not None,
        source=cmd.source,
    )
    notes = await tell_receivers(w, group, giver, receiver, r, earlier)
    if found.phone:
        notes = referrals_messages.phone_taken(found.phone, found.phones_seen) + notes
    if kind is Kind.LEAD:
        said = referrals_messages.recorded_as_lead(r, receiver)
    else:
        said = referrals_messages.referral_logged(r, receiver, giver.user)
    return [with_notes(said, notes)]


def with_notes(message: OutMessage, more: Rich) -> OutMessage:
    return dataclasses.replace(message, text=message.text + more) if more else message


def same_prospect(
    r: Referral, name: str, email: str | None, phone: str | None, where: str | None
) -> bool:
    """One prospect: the same email or phone; or, where either has neither, the same name."""
    if (r.email or r.phone) and (email or phone):
        if email and r.email and email.casefold() == r.email.casefold():
            return True
        return bool(phone and r.phone and contacts.same_phone(phone, r.phone, where))
    return " ".join(name.casefold().split()) == " ".join(r.prospect.casefold().split())


async def same_prospect_as(
    w: Work,
    group: Group,
    giver: Member,
    receiver: Member,
    found: contacts.Found,
    edited: Referral | None = None,
) -> list[tuple[Referral, Member]]:
    """Refuse the pair's still-open duplicate; return the other members who received the
    same prospect in the last 90 days (the latest referral each). For an `edited` referral:
    not itself, nor the referrals it was already linked with."""
    since = w.ts - SAME_PROSPECT_DAYS * 86400
    skip = set()
    if edited is not None:
        skip = {edited.id} | {
            int(e["note"][1:])
            for e in await w.tx.referrals.history(edited.id)
            if e["status"] == "also_referred" and (e["note"] or "").startswith("#")
        }
    earlier = [
        r
        for r in await w.tx.referrals.to_compare(group.id, giver.id, receiver.id, since)
        if r.id not in skip
        and same_prospect(r, found.name, found.email, found.phone, region(group))
    ]
    for r in earlier:
        if r.giver_id == giver.id and r.receiver_id == receiver.id and r.open:
            raise Refusal(referrals_messages.duplicate(r, receiver.user))
    latest: dict[int, Referral] = {}
    for r in earlier:
        if r.receiver_id not in (receiver.id, giver.id) and r.created_at >= since:
            latest[r.receiver_id] = r
    out = []
    for mid, r in latest.items():
        other = await w.tx.members.by_id(mid)
        if other is not None and other.active:
            out.append((r, other))
    return out


async def tell_receivers(
    w: Work,
    group: Group,
    giver: Member,
    receiver: Member,
    r: Referral,
    earlier: list[tuple[Referral, Member]],
) -> Rich:
    """The same prospect went to someone else lately: both receivers hear of the other (each
    about the prospect as they already have it), and the history records it."""
    told = []
    this_one = False
    for old, other in earlier:
        await w.tx.referrals.add_event(r.id, giver.id, "also_referred", f"#{old.id}", w.ts)
        await w.tx.referrals.add_event(old.id, giver.id, "also_referred", f"#{r.id}", w.ts)
        this_one = await w.dm(
            group, receiver, referrals_messages.also_referred_dm(r, old, other.user)
        )
        other_told = await w.dm(
            group, other, referrals_messages.also_referred_dm(old, r, receiver.user)
        )
        told.append((old, other.user, other_told))
    return referrals_messages.also_went_to(told, receiver.user, this_one)


async def log_lead(w: Work, cmd: LogLead) -> list[OutMessage]:
    assert isinstance(cmd.member, UserRef)
    group = await w.group()
    giver = await w.actor(group)
    receiver = await w.member_of(group, cmd.member)
    if receiver.id == giver.id:
        raise Refusal(referrals_messages.self_referral())
    earlier = await same_prospect_as(
        w, group, giver, receiver, contacts.Found(cmd.business, None, None, None, 0, None)
    )
    r = await _store(
        w,
        group,
        giver,
        receiver,
        Kind.LEAD,
        cmd.business,
        None,
        None,
        cmd.details,
        DEFAULT_HEAT,
        False,
        heat_given=False,
    )
    notes = await tell_receivers(w, group, giver, receiver, r, earlier)
    return [with_notes(referrals_messages.referral_logged(r, receiver, giver.user), notes)]


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
    heat_given: bool = True,
    source: str | None = None,
) -> Referral:
    r = await w.tx.referrals.add(
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
        heat_given=heat_given,
        source=source,
    )
    await due.referral_logged(w.tx, w.settings, r)
    await w.dm(group, receiver, referrals_messages.referral_received_dm(r, giver.user))
    await w.post(group, referrals_messages.referral_post(r, giver.user, receiver.user))
    return r


async def list_referrals(w: Work, cmd: ListReferrals) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    items = []
    cache: dict[int, Member] = {me.id: me}
    for r in await w.tx.referrals.of_member(me.id, cmd.which, LIST_LIMIT):
        for mid in (r.giver_id, r.receiver_id):
            if mid not in cache:
                m = await w.tx.members.by_id(mid)
                assert m is not None
                cache[mid] = m
        items.append((r, cache[r.giver_id], cache[r.receiver_id]))
    return [referrals_messages.referral_list(items, cmd.which, me.id)]


async def _own_referral(w: Work, referral_id: int) -> tuple[Group, Member, Referral]:
    """A referral the actor received. Anything else reads as "not found", so ids from other
    groups reveal nothing."""
    r = await w.tx.referrals.get(referral_id)
    group = await w.group_by_id(r.group_id) if r else None
    if r is None or group is None:
        raise Refusal(referrals_messages.not_found(referral_id))
    actor = await w.tx.members.get(group.id, w.ctx.actor.user_id)
    if actor is None or not actor.active:
        raise Refusal(referrals_messages.not_found(referral_id))
    if actor.id != r.receiver_id:
        if actor.id == r.giver_id:
            receiver = await w.tx.members.by_id(r.receiver_id)
            assert receiver is not None
            raise Refusal(referrals_messages.only_receiver(r, receiver.user))
        raise Refusal(referrals_messages.not_found(referral_id))
    if r.ended is not None:
        raise Refusal(referrals_messages.not_open(r, "change"))
    return group, await w.actor(group), r


def check_transition(r: Referral, new: Status, note: str | None) -> None:
    """Forward only; a closed referral reopens only with a note saying why."""
    if new is r.status:
        raise Refusal(referrals_messages.already_status(r))
    if r.status.closed:
        if not note:
            raise Refusal(referrals_messages.reopen_needs_note(r, new))
        return
    if STATUS_RANK[new] < STATUS_RANK[r.status]:
        raise Refusal(referrals_messages.cannot_go_back(r, new))


async def change_status(
    w: Work,
    group: Group,
    receiver: Member,
    r: Referral,
    new: Status,
    amount: int | None,
    note: str | None,
    prompt_thanks: bool = True,
    repeat: bool = False,
) -> tuple[bool, int | None]:
    """Move `r` to `new`. Returns whether the giver was told, and the amount taken out of
    the totals when a won referral moves on (closed business counts only while won)."""
    await w.tx.referrals.set_status(r.id, new, amount, w.ts)
    await w.tx.referrals.add_event(r.id, receiver.id, new, note, w.ts)
    await due.status_changed(w.tx, w.settings, r, new, w.ts)
    taken_out = None
    if r.status is Status.WON and new is not Status.WON:
        recorded = await w.tx.business.of_referral(r.id)
        if recorded is not None:
            await w.tx.business.correct(
                recorded, None, recorded.repeat, member_id=receiver.id, note=note, now=w.ts
            )
            taken_out = recorded.amount_cents
    if amount:
        await _record_business(w, group, r, receiver, amount, note, repeat=repeat)
    giver = await w.tx.members.by_id(r.giver_id)
    assert giver is not None
    if giver.forgotten:  # erased at their request: nobody to tell, or to thank
        return False, taken_out
    told = await w.dm(
        group, giver, referrals_messages.status_dm_to_giver(r, receiver.user, new, note)
    )
    if new is Status.WON and prompt_thanks and r.thanked_at is None:
        await w.dm(group, receiver, referrals_messages.thank_prompt_dm(r, giver.user))
    return told, taken_out


async def _record_business(
    w: Work,
    group: Group,
    r: Referral | None,
    receiver: Member,
    amount: int,
    note: str | None,
    giver_id: int | None = None,
    repeat: bool = False,
) -> int:
    return await w.tx.business.add(
        group_id=group.id,
        referral_id=r.id if r else None,
        giver_id=r.giver_id if r else giver_id,
        receiver_id=receiver.id,
        amount_cents=amount,
        currency=group.currency,
        note=note,
        now=w.ts,
        repeat=repeat,
    )


async def update_referral(w: Work, cmd: UpdateReferral) -> list[OutMessage]:
    if cmd.amount and cmd.status is not Status.WON:
        raise Refusal(referrals_messages.only_won_takes_amount())
    group, me, r = await _own_referral(w, cmd.referral_id)
    cents = read_amount(group, cmd.amount) if cmd.amount else None
    amount_text = messages.group_money(cents, group) if cents else None
    if cmd.status is Status.WON and r.status is Status.WON and cents:
        # "won 1500" on a referral already won: record the value it closed at
        if await w.tx.business.of_referral(r.id) is not None:
            raise Refusal(referrals_messages.amount_already_recorded(r))
        await w.tx.referrals.set_status(r.id, Status.WON, cents, w.ts)
        await _record_business(w, group, r, me, cents, cmd.note, repeat=cmd.repeat)
        assert amount_text
        return [referrals_messages.amount_recorded(r, amount_text)]
    check_transition(r, cmd.status, cmd.note)
    told, taken_out = await change_status(
        w, group, me, r, cmd.status, cents, cmd.note, repeat=cmd.repeat
    )
    giver = await w.tx.members.by_id(r.giver_id)
    assert giver is not None
    return [
        referrals_messages.status_changed(
            r,
            cmd.status,
            amount_text,
            cmd.note,
            messages.person(giver),
            told=told,
            taken_out=messages.group_money(taken_out, group) if taken_out else None,
        )
    ]


async def thank(w: Work, cmd: Thank) -> list[OutMessage]:
    rid = cmd.referral_id
    if cmd.member is None and rid is None:
        raise Refusal(usage.usage("thanks", "Say whom you thank, or give the referral id."))
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
            raise Refusal(referrals_messages.thank_yourself())
    if cmd.bare_number is not None and giver is not None and r is None:
        # "/thanks @alice 12": referral #12 if alice gave it to you; a lone number is never
        # taken as money by guessing, so otherwise ask which was meant
        candidate = await w.tx.referrals.get(cmd.bare_number)
        if (
            candidate
            and candidate.group_id == group.id
            and candidate.receiver_id == me.id
            and candidate.ended is None
        ):
            r = candidate  # and the giver must match, below
        else:
            raise Refusal(
                referrals_messages.thanks_number_unclear(
                    str(cmd.bare_number), giver.user, group, cmd.note
                )
            )
    # "/thanks @alice #12 1500" or "1,200": money is written with its currency or decimals
    amount = read_amount(group, cmd.amount, plain_ok=False) if cmd.amount else None
    if r is not None:
        if giver is not None and giver.id != r.giver_id:
            actual = await w.tx.members.by_id(r.giver_id)
            assert actual is not None
            raise Refusal(referrals_messages.wrong_giver(r, actual.user))
        giver = await _giver(w, r)
    assert giver is not None
    if giver.id == me.id:
        raise Refusal(referrals_messages.thank_yourself())
    if giver.forgotten:
        raise Refusal(referrals_messages.nobody_to_thank())
    if r is not None and r.thanked_at is not None and not amount:
        return [referrals_messages.already_thanked(r, giver.user)]
    business_id = None
    if amount and r is not None:
        if r.status is Status.WON:
            if await w.tx.business.of_referral(r.id) is not None:
                raise Refusal(referrals_messages.amount_already_recorded(r))
            await w.tx.referrals.set_status(r.id, Status.WON, amount, w.ts)
            await _record_business(w, group, r, me, amount, cmd.note, repeat=cmd.repeat)
        elif r.status is Status.LOST:
            raise Refusal(referrals_messages.reopen_before_thanks(r))
        else:
            await change_status(
                w,
                group,
                me,
                r,
                Status.WON,
                amount,
                cmd.note,
                prompt_thanks=False,
                repeat=cmd.repeat,
            )
    elif amount:
        # no referral to name it by: the reply gives its own id, to correct it with
        business_id = await _record_business(
            w, group, None, me, amount, cmd.note, giver_id=giver.id, repeat=cmd.repeat
        )
    if r is not None:
        await w.tx.referrals.mark_thanked(r.id, w.ts)
        await due.thanked(w.tx, r, w.ts)
    await w.tx.thanks.add(
        group_id=group.id,
        from_id=me.id,
        to_id=giver.id,
        referral_id=r.id if r else None,
        note=cmd.note,
        now=w.ts,
    )
    await w.post(
        group, referrals_messages.thanks_post(me.user, giver.user, r, bool(amount), cmd.note)
    )
    amount_text = messages.group_money(amount, group) if amount else None
    return [referrals_messages.thanks_done(giver.user, amount_text, business_id)]


async def _giver(w: Work, r: Referral) -> Member:
    giver = await w.tx.members.by_id(r.giver_id)
    assert giver is not None
    return giver


async def snooze(w: Work, cmd: SnoozeReferral) -> list[OutMessage]:
    """The receiver postpones a referral's reminders (they are on it, or away)."""
    group, _, r = await _own_referral(w, cmd.referral_id)
    until = w.now + timedelta(hours=cmd.hours)
    if not await w.tx.due.snooze(group.id, r.id, due.REFERRAL_KINDS, int(until.timestamp())):
        return [referrals_messages.nothing_to_snooze(r)]
    return [referrals_messages.snoozed(r, until, group.tz)]
