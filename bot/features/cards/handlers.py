"""Handlers for the card case: a member's card, the group's cards, and one's own details."""

from __future__ import annotations

import phonenumbers

from bot import contacts
from bot.features.calendar.handlers import write_private
from bot.features.cards import wording
from bot.features.cards.commands import (
    AllCards,
    SetCardPhone,
    SetCardWebsite,
    ShareCardEmail,
    ShowCard,
)
from bot.features.cards.model import CardDetails
from bot.features.cards.vcard import Card, vcards
from bot.model import UserRef
from bot.out import OutMessage
from bot.referrals import region
from bot.work import Refusal, Work


async def show_card(w: Work, cmd: ShowCard) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    who = me
    if cmd.member is not None:
        assert isinstance(cmd.member, UserRef)
        who = await w.member_of(group, cmd.member)  # a forgotten member is not: no card
    card = Card(who, await w.tx.cards.get(who.id))
    path = write_private(w, group, f"card-{who.id}", ".vcf", vcards(group, [card]))
    return [wording.card(card, group.name, who.id == me.id, (str(path),))]


async def all_cards(w: Work, cmd: AllCards) -> list[OutMessage]:
    group = await w.group()
    await w.actor(group)
    details = await w.tx.cards.of_group(group.id)
    members = [m for m in await w.tx.members.of_group(group.id) if m.active and m.classification]
    if not members:
        raise Refusal(wording.no_cards())
    members.sort(key=lambda m: m.name.casefold())
    cards = [Card(m, details.get(m.id) or CardDetails()) for m in members]
    path = write_private(w, group, "cards", ".vcf", vcards(group, cards))
    return [wording.cards_ready(group.name, len(cards), (str(path),))]


async def set_phone(w: Work, cmd: SetCardPhone) -> list[OutMessage]:
    group = await w.group()
    me = await w.actor(group)
    e164 = None
    if cmd.phone is not None:
        try:
            contacts.phone(cmd.phone, region(group))
            number = phonenumbers.parse(cmd.phone, region(group))
        except (contacts.ContactProblem, phonenumbers.NumberParseException) as e:
            needs = isinstance(e, contacts.ContactProblem) and e.reason == "phone_needs_country"
            raise Refusal(wording.bad_phone(cmd.phone, needs)) from None
        e164 = str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    await w.tx.cards.set_phone(me.id, e164)
    return [wording.phone_saved(e164)]


async def set_website(w: Work, cmd: SetCardWebsite) -> list[OutMessage]:
    me = await w.actor(await w.group())
    await w.tx.cards.set_website(me.id, cmd.website)
    return [wording.website_saved(cmd.website)]


async def share_email(w: Work, cmd: ShareCardEmail) -> list[OutMessage]:
    me = await w.actor(await w.group())
    await w.tx.cards.set_share_email(me.id, cmd.share)
    return [wording.email_shared(cmd.share, me.email)]
