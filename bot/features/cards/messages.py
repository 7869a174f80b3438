"""What the card case says, and its usage."""

from __future__ import annotations

from bot.features.cards.vcard import Card, shown_phone
from bot.messages import count, error, reply, slash
from bot.out import Field, OutMessage
from bot.text import Rich, fmt, lit, named

# command → (usage, example, what it does), for /rapport help and every usage reply
USAGE: dict[str, tuple[str, str, str]] = {
    "card": (
        "card [@member]",
        "card @bob",
        "a member's card (seat, ask, the contact details they share) with a vCard file",
    ),
    "cards": (
        "cards",
        "cards",
        "the group's card case: every member's card in one vCard file",
    ),
}


def card_fields(card: Card) -> tuple[Field, ...]:
    m = card.member
    fields = [
        Field(
            "Classification",
            fmt("{c}", c=m.classification) if m.classification else lit("none yet"),
        ),
        Field("Looking for", fmt("{a}", a=m.ask) if m.ask else lit("not said yet")),
    ]
    if card.phone:
        fields.append(Field("Phone", lit(shown_phone(card.phone))))
    if card.email:
        fields.append(Field("Email", fmt("{e}", e=card.email)))
    if card.website:
        fields.append(Field("Website", fmt("{w}", w=card.website)))
    return tuple(fields)


def card(card: Card, group_name: str, own: bool, paths: tuple[str, ...]) -> OutMessage:
    text: Rich = fmt("{u}'s card in {g}", u=named(card.member.user), g=group_name)
    text = text + lit(", with a vCard file to hand a prospect or save to a phone.")
    if own:
        missing = _missing(card)
        if missing:
            text = text + lit(" Only what you chose to share is on it; add " + missing + ".")
    return reply(
        text,
        "card",
        fields=card_fields(card),
        title=f"{card.member.name}'s card",
        attachments=paths,
    )


def _missing(card: Card) -> str:
    lines = []
    if not card.phone:
        lines.append(f"a phone with {slash('profile')} phone <number>")
    if not card.email:
        lines.append(
            f"your profile email with {slash('profile')} share email on"
            if card.member.email
            else f"an email with {slash('profile')} email <address> and {slash('profile')} share email on"
        )
    if not card.website:
        lines.append(f"a website with {slash('profile')} website <url>")
    return "; ".join(lines)


def cards_ready(group_name: str, n: int, paths: tuple[str, ...]) -> OutMessage:
    return reply(
        fmt("{g}'s card case: ", g=group_name)
        + lit(
            f"{count(n, 'card')} in one vCard file. Each shows only what its member chose"
            " to share; open it on your phone to save them as contacts."
        ),
        "cards",
        attachments=paths,
    )


def no_cards() -> OutMessage:
    return error(f"Nobody has taken a seat yet, so there are no cards; {slash('join')} first.")


def phone_saved(phone: str | None) -> OutMessage:
    if phone is None:
        return reply("Saved: your card shows no phone.", "profile.updated")
    return reply(
        f"Saved. Your card's phone: {shown_phone(phone)}. {slash('card')} shows your card.",
        "profile.updated",
    )


def website_saved(website: str | None) -> OutMessage:
    if website is None:
        return reply("Saved: your card shows no website.", "profile.updated")
    return reply(
        fmt("Saved. Your card's website: {w}. ", w=website)
        + lit(f"{slash('card')} shows your card."),
        "profile.updated",
    )


def email_shared(share: bool, email: str | None) -> OutMessage:
    if not share:
        return reply(
            "Saved: your card shows no email (it is still used to address introductions).",
            "profile.updated",
        )
    if email is None:
        return reply(
            f"Saved: your card will show your profile email once you give one with"
            f" {slash('profile')} email <address>.",
            "profile.updated",
        )
    return reply(fmt("Saved: your card shows your email, {e}.", e=email), "profile.updated")


def bad_phone(typed: str, needs_country: bool) -> OutMessage:
    how = (
        "write it with its country code, e.g. +27 82 555 0134"
        if needs_country
        else "write it as you would dial it, e.g. 082 555 0134 or +27 82 555 0134"
    )
    return error(fmt("“{p}” is not a phone number I can read; ", p=typed[:40]) + lit(how + "."))
