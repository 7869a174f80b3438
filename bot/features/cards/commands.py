"""The card case as typed: /rapport card [@member] and /rapport cards, and the Command types
they make. What goes on one's own card is typed under /rapport profile (the roster slice)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.grammar import ParseError, Who, clean, take_mention
from bot.messages import slash


@dataclass(frozen=True)
class ShowCard:
    """`/rapport card [@member]`: a member's card (one's own without a member)."""

    member: Who | None = None


@dataclass(frozen=True)
class AllCards:
    """`/rapport cards`: every seated member's card in one vCard file."""


def parse_card(rest: str) -> CardsCommand:
    if not clean(rest):
        return ShowCard()
    member, after = take_mention(rest)
    if member is None or clean(after):
        raise ParseError("card", f"Name one member, e.g. {slash('card')} @bob.")
    return ShowCard(member)


def parse_cards(rest: str) -> CardsCommand:
    if clean(rest):
        raise ParseError(
            "cards",
            f"{slash('cards')} takes nothing more; for one member's card use"
            f" {slash('card')} @member.",
        )
    return AllCards()


# every Command this slice's parsers make
CardsCommand = ShowCard | AllCards
