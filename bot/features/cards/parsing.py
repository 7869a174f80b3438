"""The card case's grammar: `/rapport card`, `/rapport cards`, and the profile's card lines."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.commands import Command, ParseError, clean, parse_profile, take_mention
from bot.features.cards.commands import (
    AllCards,
    SetCardPhone,
    SetCardWebsite,
    ShareCardEmail,
    ShowCard,
)
from bot.messages import slash

MAX_URL = 300
NONE = ("none", "off", "remove", "-")


def parse_card(rest: str) -> Command:
    if not clean(rest):
        return ShowCard()
    member, after = take_mention(rest)
    if member is None or clean(after):
        raise ParseError("card", f"Name one member, e.g. {slash('card')} @bob.")
    return ShowCard(member)


def parse_cards(rest: str) -> Command:
    if clean(rest):
        raise ParseError(
            "cards",
            f"{slash('cards')} takes nothing more; for one member's card use"
            f" {slash('card')} @member.",
        )
    return AllCards()


def parse_profile_with_card(rest: str) -> Command:
    """`/rapport profile …`: the card's lines here, everything else as before."""
    sub, _, arg = rest.partition(" ")
    if sub.casefold() in ("phone", "website", "share"):
        return parse_profile_card(sub.casefold(), clean(arg))
    return parse_profile(rest)


def parse_profile_card(sub: str, arg: str) -> Command:
    """The profile's card lines: `phone …`, `website …`, `share email on|off`."""
    if sub == "phone":
        if not arg:
            raise ParseError(
                "profile",
                f"Give the business phone for your card, e.g. {slash('profile')} phone"
                " +27 82 555 0134 (or none to take it off).",
            )
        return SetCardPhone(None if arg.casefold() in NONE else arg)
    if sub == "website":
        if not arg:
            raise ParseError(
                "profile",
                f"Give your website, e.g. {slash('profile')} website https://bob.example"
                " (or none to take it off).",
            )
        return SetCardWebsite(None if arg.casefold() in NONE else website(arg))
    words = arg.casefold().split()
    if sub == "share" and len(words) == 2 and words[0] == "email" and words[1] in ("on", "off"):
        return ShareCardEmail(words[1] == "on")
    raise ParseError(
        "profile",
        f"Write {slash('profile')} share email on (your profile email goes on your card) or"
        f" {slash('profile')} share email off.",
    )


def website(text: str) -> str:
    """An http(s) URL as typed; a bare `bob.example` is read as https://bob.example."""
    typed = text.strip().strip("<>")
    url = typed if "://" in typed else "https://" + typed
    problem = f"“{typed[:60]}” is not a website address; write it like https://bob.example."
    if len(url) > MAX_URL:
        raise ParseError("profile", f"A website address is at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise ParseError("profile", problem) from None
    if parts.scheme.casefold() not in ("http", "https"):
        raise ParseError(
            "profile",
            f"“{typed[:60]}” is not a web page: the address must start with https:// or http://.",
        )
    if (
        any(c.isspace() for c in url)
        or "." not in host
        or host.startswith(".")
        or host.endswith(".")
        or parts.username is not None
    ):
        raise ParseError("profile", problem)
    return url
