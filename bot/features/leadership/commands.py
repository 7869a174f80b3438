"""The leadership team's commands as typed: /rapport role, sub and palms, and the Command types
they make (the absence rule's and amounts' settings are the admin slice's `settings`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import contacts
from bot.grammar import (
    MAX_NAME,
    ParseError,
    Who,
    clean,
    limit,
    parse_date,
    take_mention,
)
from bot.messages import DAY_SOON, TODAY, YEAR_START, slash

NO_ROLE = ("none", "off", "remove", "no-role")
# the words people type for each role (bot/features/leadership/roles.py names the roles)
ROLE_WORDS: dict[str, str] = {
    "president": "president",
    "vp": "vp",
    "vice-president": "vp",
    "vicepresident": "vp",
    "vice": "vp",
    "secretary": "secretary",
    "secretary-treasurer": "secretary",
    "treasurer": "secretary",
    "visitor-host": "visitor-host",
    "visitorhost": "visitor-host",
    "visitor_host": "visitor-host",
    "host": "visitor-host",
    "membership": "membership",
    "membership-committee": "membership",
    "committee": "membership",
    "mentor": "mentor",
}


@dataclass(frozen=True)
class SetRole:
    """An admin gives a member a role, or (`role` None) takes every role they hold."""

    member: Who
    role: str | None


@dataclass(frozen=True)
class ShowRoles:
    """The leadership team: who holds each role."""


@dataclass(frozen=True)
class RegisterSub:
    """A member names who comes to a meeting in their place; the email is optional."""

    day: date | None
    name: str
    email: str | None = None


@dataclass(frozen=True)
class ShowPalms:
    """The PALMS report for the leadership, from `since` to `until` (local dates; default:
    the week up to the latest meeting)."""

    since: date | None = None
    until: date | None = None

    @classmethod
    def of(cls, since: date | None, until: date | None) -> ShowPalms:
        if since and until and until < since:
            raise ParseError("palms", "The second date comes before the first.")
        return cls(since, until)


def parse_role(rest: str) -> LeadershipCommand:
    text = clean(rest)
    if not text or text.casefold() in ("list", "show"):
        return ShowRoles()
    member, after = take_mention(text)
    word = clean(after).casefold()
    if member is None or not word or " " in word:
        raise ParseError(
            "role",
            f"Name the member and the role, e.g. {slash('role')} @bob vp"
            f" (or {slash('role')} @bob none to take it away).",
        )
    if word in NO_ROLE:
        return SetRole(member, None)
    role = ROLE_WORDS.get(word)
    if role is None:
        raise ParseError(
            "role",
            f"I don't know the role “{word[:30]}”. Roles: president, vp, secretary,"
            " visitor-host, membership, mentor (or none).",
        )
    return SetRole(member, role)


def parse_sub(rest: str) -> LeadershipCommand:
    words = clean(rest).split()
    day = None
    if words and words[0][:1].isdigit():
        day = parse_date(words[0], "sub")
        words = words[1:]
    email = None
    if words and "@" in words[-1]:
        try:
            email = contacts.email(words[-1])
        except contacts.ContactProblem:
            raise ParseError(
                "sub",
                f"“{words[-1][:60]}” is not an email address I can use; write it like"
                " sam@example.com, or leave it out.",
            ) from None
        words = words[:-1]
    name = " ".join(words).strip("\"“”'")
    if not name:
        raise ParseError(
            "sub", f"Give your substitute's name, e.g. {slash('sub')} {DAY_SOON} Sam Jones."
        )
    return RegisterSub(day, limit(name, MAX_NAME, "The substitute's name", "sub"), email)


def parse_palms(rest: str) -> LeadershipCommand:
    """`palms [from DAY] [to DAY]`: a date after `to` ends the period, one after `from` (or
    with no word) starts it, so `palms to 2026-11-18` is the week ending then and
    `palms 2026-11-01 2026-11-30` a month."""
    example = f"e.g. {slash('palms')} from {YEAR_START} to {TODAY}"
    since: date | None = None
    until: date | None = None
    keyword: str | None = None
    for word in clean(rest).split():
        folded = word.casefold()
        if folded in ("from", "to"):
            if keyword is not None:
                raise ParseError("palms", f"Put a date after “{keyword}”, {example}.")
            keyword = folded
            continue
        day = parse_date(word, "palms")
        if keyword == "to" or (keyword is None and since is not None):
            if until is not None:
                raise ParseError("palms", f"Give at most one end date, {example}.")
            until = day
        else:
            if since is not None:
                raise ParseError("palms", f"Give at most one start date, {example}.")
            since = day
        keyword = None
    if keyword is not None:
        raise ParseError("palms", f"Put a date after “{keyword}”, {example}.")
    return ShowPalms.of(since, until)


# every Command this slice's parsers make
LeadershipCommand = SetRole | ShowRoles | RegisterSub | ShowPalms
