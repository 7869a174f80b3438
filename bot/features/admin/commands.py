"""Running the group as typed: /rapport leave, remove, settings, admins and admin, and the Command
types they make."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.grammar import (
    MAX_CLASSIFICATION,
    ParseError,
    Who,
    clean,
    is_number,
    limit,
    no_args,
    take_mention,
)
from bot.localtime import LocalTime
from bot.messages import slash


@dataclass(frozen=True)
class Leave:
    """The caller leaves the group."""


@dataclass(frozen=True)
class RemoveMember:
    member: Who


@dataclass(frozen=True)
class ShowSettings:
    """The group's settings."""


@dataclass(frozen=True)
class ChangeSetting:
    """An admin override: key is one of SETTING_KEYS; value None restores the default."""

    key: str
    value: str | None

    # one builder a setting: a typed line and an adapter's options share the checks
    @classmethod
    def evening(cls, value: str) -> ChangeSetting:
        v = value.strip().casefold()
        if v in ("off", "default"):
            return cls("reminder.evening", "" if v == "off" else None)
        try:
            at = LocalTime.parse(v)
        except ValueError:
            raise ParseError(
                "settings", "Give the evening-before reminder as HH:MM, off or default."
            ) from None
        return cls("reminder.evening", str(at))

    @classmethod
    def before(cls, value: str) -> ChangeSetting:
        v = value.strip().casefold().removesuffix("h")
        if v in ("off", "default"):
            return cls("reminder.before", "0" if v == "off" else None)
        if not is_number(v) or not 1 <= int(v) <= 24:
            raise ParseError(
                "settings", "Give the hours before the meeting as 1 to 24, off or default."
            )
        return cls("reminder.before", str(int(v)))

    @classmethod
    def recap(cls, value: str) -> ChangeSetting:
        v = value.strip().casefold().removesuffix("h")
        if v == "default":
            return cls("recap.after", None)
        if not is_number(v) or not 0 <= int(v) <= 48:
            raise ParseError(
                "settings", "Give the hours after the meeting for the recap, 0 to 48, or default."
            )
        return cls("recap.after", str(int(v)))

    @classmethod
    def accountability(cls, on: bool) -> ChangeSetting:
        return cls("nudge.accountability", "on" if on else "off")

    @classmethod
    def currency(cls, code: str) -> ChangeSetting:
        if not re.fullmatch(r"[A-Za-z]{3}", code.strip()):
            raise ParseError("settings", "Give a three-letter currency code like ZAR, USD or EUR.")
        return cls("currency", code.strip().upper())

    @classmethod
    def locale(cls, name: str) -> ChangeSetting:
        v = name.strip()
        return cls("locale", None if v.casefold() == "default" else v)


@dataclass(frozen=True)
class WantSeat:
    classification: str
    wanted: bool  # False: no longer looking for this classification

    @classmethod
    def of(cls, classification: str, wanted: bool) -> WantSeat:
        c = clean(classification)
        if not c:
            raise ParseError("settings", "Name the classification, e.g. Electrician.")
        return cls(limit(c, MAX_CLASSIFICATION, "The classification", "settings"), wanted)


@dataclass(frozen=True)
class ShowAdmins:
    """Who the group's admins are."""


@dataclass(frozen=True)
class AddAdmin:
    member: Who


@dataclass(frozen=True)
class RemoveAdmin:
    member: Who


def parse_leave(rest: str) -> AdminCommand:
    if clean(rest):
        raise ParseError("leave", "Write just /rapport leave.")
    return Leave()


def parse_remove(rest: str) -> AdminCommand:
    member, rest = take_mention(rest)
    if member is None or clean(rest):
        raise ParseError("remove", "Name the member to remove, e.g. /rapport remove @bob.")
    return RemoveMember(member)


def parse_settings(rest: str) -> AdminCommand:
    words = clean(rest).split(" ") if clean(rest) else []
    if not words:
        return ShowSettings()
    sub = words[0].casefold()
    args = words[1:]
    if sub == "reminder" and len(args) == 2 and args[0].casefold() == "evening":
        return ChangeSetting.evening(args[1])
    if sub == "reminder" and len(args) == 2 and args[0].casefold() == "before":
        return ChangeSetting.before(args[1])
    if sub == "recap" and len(args) == 1:
        return ChangeSetting.recap(args[0])
    if sub == "accountability" and len(args) == 1 and args[0].casefold() in ("on", "off"):
        return ChangeSetting.accountability(args[0].casefold() == "on")
    if sub == "currency" and len(args) == 1:
        return ChangeSetting.currency(args[0])
    if sub == "locale" and len(args) == 1:
        return ChangeSetting.locale(args[0])
    if sub in ("absences", "absence", "amounts"):
        return parse_setting("amounts" if sub == "amounts" else "absences", args)
    if sub == "seat" and len(args) >= 2 and args[0].casefold() in ("add", "remove"):
        return WantSeat.of(" ".join(args[1:]), args[0].casefold() == "add")
    raise ParseError("settings", f"I don't know that setting: “{clean(rest)[:40]}”.")


def parse_admins(rest: str) -> AdminCommand:
    return ShowAdmins() if not clean(rest) else no_args("admins")


def parse_admin(rest: str) -> AdminCommand:
    sub, _, after = clean(rest).partition(" ")
    sub = sub.casefold()
    if sub in ("", "list"):
        return ShowAdmins()
    if sub in ("add", "remove"):
        member, after = take_mention(after)
        if member is not None and not clean(after):
            return AddAdmin(member) if sub == "add" else RemoveAdmin(member)
    raise ParseError(
        "admin",
        f"Name the member, e.g. {slash('admin')} add @bob or {slash('admin')} remove @bob.",
    )


# every Command this slice's parsers make
@dataclass(frozen=True)
class SetAbsenceRule:
    """An admin's absence rule: `count` absences in `months` (None: unchanged), the record
    states that count (None: unchanged); `default` restores all of it."""

    count: int | None = None
    months: int | None = None
    states: tuple[str, ...] | None = None
    default: bool = False


@dataclass(frozen=True)
class SetAmountsShown:
    """`settings amounts leadership` (True): the leadership sees each member's closed business
    in the PALMS report; `amounts private` (False): only totals and each member's own."""

    leadership: bool


# the records an absence rule may count (bot/features/leadership/settings.py reads them)
COUNTABLE = ("absent", "late", "medical", "substitute")
ABSENCE_WORDS = {"absent": "absent", "late": "late", "medical": "medical", "excused": "medical"}
ABSENCE_WORDS |= {"substitute": "substitute", "sub": "substitute", "substitutes": "substitute"}


def parse_setting(sub: str, args: list[str]) -> AdminCommand:
    """`settings absences …` and `settings amounts …` (bot.commands.parse_settings hands
    these two over)."""
    words = [a.casefold() for a in args]
    if sub == "amounts":
        if words in (["leadership"], ["private"]):
            return SetAmountsShown(words == ["leadership"])
        raise ParseError(
            "settings",
            "Write settings amounts leadership (the leadership sees each member's closed"
            " business in /rapport palms) or settings amounts private.",
        )
    if words == ["default"]:
        return SetAbsenceRule(default=True)
    if words and words[0] in ("counting", "count"):
        states = {ABSENCE_WORDS.get(w) for w in words[1:]}
        if not words[1:] or None in states:
            raise ParseError(
                "settings",
                "Name the records that count as absences: absent, late, medical, substitute,"
                " e.g. settings absences counting absent late.",
            )
        return SetAbsenceRule(states=tuple(s for s in COUNTABLE if s in states | {"absent"}))
    if words[-1:] == ["months"] or words[-1:] == ["month"]:
        words = words[:-1]
    if len(words) == 3 and words[1] == "in" and all(is_number(w) for w in (words[0], words[2])):
        count, months = int(words[0]), int(words[2])
        if 1 <= count <= 52 and 1 <= months <= 24:
            return SetAbsenceRule(count=count, months=months)
        raise ParseError(
            "settings", "Give 1 to 52 absences in 1 to 24 months, e.g. settings absences 3 in 6."
        )
    raise ParseError(
        "settings",
        "Write settings absences <count> in <months> (e.g. settings absences 3 in 6),"
        " settings absences counting absent [late] [medical] [substitute], or settings"
        " absences default.",
    )


AdminCommand = (
    Leave
    | RemoveMember
    | ShowSettings
    | ChangeSetting
    | WantSeat
    | ShowAdmins
    | AddAdmin
    | RemoveAdmin
    | SetAbsenceRule
    | SetAmountsShown
)
