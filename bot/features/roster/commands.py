"""The roster as typed: /rapport setup, join, profile, roster, seat allow and /onetoone, and the
Command types they make."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot import contacts
from bot.grammar import (
    CURRENCY_OPTION,
    MAX_CLASSIFICATION,
    MAX_NAME,
    MAX_TEXT,
    MentionToken,
    ParseError,
    Who,
    clean,
    limit,
    no_args,
    split_note,
    take_mention,
    valid_tz,
)
from bot.localtime import QuietHours, SameStartAndEnd
from bot.messages import slash


# --- commands ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Setup:
    name: str | None = None
    currency: str | None = None  # "currency:EUR"; otherwise the group's time zone's

    @classmethod
    def of(cls, name: str | None, currency: str | None = None) -> Setup:
        if currency is not None and not re.fullmatch(r"[A-Za-z]{3}", currency.strip()):
            raise ParseError(
                "setup", "Give the currency as a three-letter code, e.g. currency:EUR."
            )
        named = limit(clean(name or ""), MAX_NAME, "The group name", "setup") or None
        return cls(named, currency.strip().upper() if currency is not None else None)


@dataclass(frozen=True)
class Join:
    classification: str

    @classmethod
    def of(cls, classification: str) -> Join:
        c = clean(classification)
        if not c:
            raise ParseError(
                "join", "Say which classification (trade) you hold, e.g. Residential plumbing."
            )
        return cls(limit(c, MAX_CLASSIFICATION, "The classification", "join"))


@dataclass(frozen=True)
class ShowProfile:
    """The caller's profile, or with `member` another member's seat and ask (a list that
    had to shorten their ask points here)."""

    member: Who | None = None


@dataclass(frozen=True)
class SetAsk:
    ask: str

    @classmethod
    def of(cls, text: str) -> SetAsk:
        ask = clean(text)
        if not ask:
            raise ParseError(
                "profile",
                f"Say what referral you want, e.g. {slash('profile')} ask homeowners planning"
                " a kitchen.",
            )
        return cls(limit(ask, MAX_TEXT, "Your ask", "profile"))


@dataclass(frozen=True)
class SetEmail:
    """The member's own business address, used to address introductions."""

    email: str

    @classmethod
    def of(cls, address: str) -> SetEmail:
        try:
            return cls(contacts.email(clean(address)))
        except contacts.ContactProblem:
            raise ParseError(
                "profile",
                f"Give your business email, e.g. {slash('profile')} email bob@plumbing.example.",
            ) from None


@dataclass(frozen=True)
class SetCardPhone:
    """`/rapport profile phone <number>|none`: the business phone on the member's card, as
    typed (read in the group's country by the handler); None takes it off."""

    phone: str | None


@dataclass(frozen=True)
class SetCardWebsite:
    """`/rapport profile website <url>|none`: an http(s) URL; None takes it off."""

    website: str | None


@dataclass(frozen=True)
class ShareCardEmail:
    """`/rapport profile share email on|off`: the profile email on the card too, or not."""

    share: bool


@dataclass(frozen=True)
class SetTimeZone:
    tz: str

    @classmethod
    def of(cls, zone: str) -> SetTimeZone:
        name = clean(zone)
        if not name:
            raise ParseError("profile", "Give a time zone like Europe/London.")
        return cls(valid_tz(name, "profile"))


@dataclass(frozen=True)
class SetQuietHours:
    quiet: str  # "HH:MM-HH:MM"

    @classmethod
    def of(cls, hours: str) -> SetQuietHours:
        try:
            return cls(str(QuietHours.parse(clean(hours))))
        except SameStartAndEnd:
            raise ParseError(
                "profile", "Quiet hours must start and end at different times."
            ) from None
        except ValueError:
            raise ParseError(
                "profile", "Write quiet hours as HH:MM-HH:MM, e.g. 21:00-07:00."
            ) from None


@dataclass(frozen=True)
class SetDirectMessages:
    enabled: bool


@dataclass(frozen=True)
class LogOneToOne:
    member: Who
    note: str | None = None
    # "/onetoone @a @b": a 1-2-1 with each of them, logged together or not at all
    others: tuple[Who, ...] = ()

    @classmethod
    def of(cls, member: Who, note: str | None = None, others: tuple[Who, ...] = ()) -> LogOneToOne:
        """A 1-2-1 from its parts as typed, with the grammar's checks and wording."""
        more = tuple(dict.fromkeys(o for o in others if o != member))
        if len(more) + 1 > MAX_ONE_TO_ONE:
            raise ParseError("onetoone", f"Name at most {MAX_ONE_TO_ONE} members in one /onetoone.")
        words = clean(note or "") or None
        if words:
            limit(words, MAX_TEXT, "The note", "onetoone")
        return cls(member, words, more)


@dataclass(frozen=True)
class SetSuggestions:
    enabled: bool


# --- the group's roster, its admins and its seats ------------------------------------------
@dataclass(frozen=True)
class ShowRoster:
    """Every member with their seat, join date and role, and the open seats."""


@dataclass(frozen=True)
class AllowSeat:
    """An admin lets a member take the seat they asked for, though a seated member's
    classification is the same trade (Solicitor beside Lawyer)."""

    member: Who


# --- the parsers, one a command (bot/registry.py has the table) ---------------------------
def parse_setup(rest: str) -> RosterCommand:
    currency = None
    found = list(CURRENCY_OPTION.finditer(rest))
    if len(found) > 1:
        raise ParseError("setup", "Give the currency once, e.g. currency:EUR.")
    if found:
        currency = found[0].group(1)
        rest = rest[: found[0].start()] + " " + rest[found[0].end() :]
    return Setup.of(rest, currency)


def parse_join(rest: str) -> RosterCommand:
    return Join.of(rest)


def parse_profile(rest: str) -> RosterCommand:
    sub, _, arg = rest.partition(" ")
    sub = sub.casefold()
    arg = clean(arg)
    if not sub:
        return ShowProfile()
    if sub.startswith(("@", "<@")):
        member, after = take_mention(rest)
        if member is None or clean(after):
            raise ParseError("profile", "Name one member, e.g. /rapport profile @bob.")
        return ShowProfile(member)
    if sub == "ask":
        return SetAsk.of(arg)
    if sub == "email":
        return SetEmail.of(arg)
    if sub in ("tz", "timezone"):
        return SetTimeZone.of(arg)
    if sub == "quiet":
        return SetQuietHours.of(arg)
    if sub == "suggestions":
        if arg.casefold() in ("on", "off"):
            return SetSuggestions(arg.casefold() == "on")
        raise ParseError(
            "profile",
            f"Write {slash('profile')} suggestions on or {slash('profile')} suggestions off.",
        )
    if sub == "dm":
        if arg.casefold() in ("on", "off"):
            return SetDirectMessages(arg.casefold() == "on")
        raise ParseError("profile", f"Write {slash('profile')} dm on or {slash('profile')} dm off.")
    if sub in ("phone", "website", "share"):
        return _card_line(sub, arg)
    raise ParseError("profile", f"I don't know “{sub[:30]}” in {slash('profile')}.")


# --- what a member's card shares (the card case: bot/features/cards) ----------------------
MAX_URL = 300
NONE = ("none", "off", "remove", "-")


def _card_line(sub: str, arg: str) -> RosterCommand:
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



MAX_ONE_TO_ONE = 10  # members named in one /onetoone (a small-group coffee, not a meeting)


def parse_onetoone(rest: str) -> RosterCommand:
    member, rest = take_mention(rest)
    if member is None:
        raise ParseError("onetoone", "Name the member you met, e.g. /onetoone @bob.")
    # every member named before the note: "/onetoone @a @b" is a 1-2-1 with each
    others: list[MentionToken] = []
    while (more := take_mention(rest))[0] is not None:
        other, rest = more
        assert other is not None
        if other != member and other not in others:
            others.append(other)
    body, note = split_note(rest)
    if clean(body) and not note:
        note = clean(body)
    return LogOneToOne.of(member, note, tuple(others))


def parse_roster(rest: str) -> RosterCommand:
    return ShowRoster() if not clean(rest) else no_args("roster")


def parse_seat(rest: str) -> RosterCommand:
    sub, _, after = clean(rest).partition(" ")
    if sub.casefold() == "allow":
        member, after = take_mention(after)
        if member is not None and not clean(after):
            return AllowSeat(member)
    raise ParseError(
        "seat", f"Name the member whose seat you allow, e.g. {slash('seat')} allow @erin."
    )


# every Command this slice's parsers make
RosterCommand = (
    Setup
    | Join
    | ShowProfile
    | SetAsk
    | SetEmail
    | SetTimeZone
    | SetQuietHours
    | SetDirectMessages
    | LogOneToOne
    | SetSuggestions
    | ShowRoster
    | AllowSeat
    | SetCardPhone
    | SetCardWebsite
    | ShareCardEmail
)
