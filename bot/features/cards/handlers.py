"""Handlers for the card case: a member's card and the group's cards."""

from __future__ import annotations

from bot.features.cards import messages as wording
from bot.features.cards.commands import AllCards, ShowCard
from bot.features.cards.model import CardDetails
from bot.features.cards.vcard import Card, vcards
from bot.handover import write_private
from bot.model import UserRef
from bot.out import OutMessage
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
