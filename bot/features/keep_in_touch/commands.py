"""Keep-in-touch as typed: /rapport keep-in-touch (list, add, done, remove), and the Command
types it makes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.grammar import MAX_NAME, ParseError, clean, limit
from bot.messages import slash


@dataclass(frozen=True)
class ListKeepInTouch:
    """`/rapport keep-in-touch`: whom the member keeps in touch with, and when each is due."""


@dataclass(frozen=True)
class AddKeepInTouch:
    """`/rapport keep-in-touch add <name> every <N> weeks`."""

    name: str
    every_weeks: int


@dataclass(frozen=True)
class RemoveKeepInTouch:
    """`/rapport keep-in-touch remove <id|name>`."""

    who: str


@dataclass(frozen=True)
class DoneKeepInTouch:
    """`/rapport keep-in-touch done <id|name>`: in touch now; the next reminder is N weeks on."""

    who: str


MAX_WEEKS = 52
# "… every 6 weeks", "every week", "every 2 wks"
EVERY = re.compile(r"\s+every\s+(?:(\S+)\s+)?(weeks?|wks?|w)\s*$", re.IGNORECASE)
EXAMPLE = "add Jane Roe every 6 weeks"


def parse_keep_in_touch(rest: str) -> KeepInTouchCommand:
    sub, _, arg = rest.strip().partition(" ")
    sub, arg = sub.casefold(), clean(arg)
    if not sub or sub in ("list", "show"):
        if arg:
            raise ParseError("keep-in-touch", f"Write {slash('keep-in-touch')} on its own.")
        return ListKeepInTouch()
    if sub == "add":
        return _add(arg)
    if sub in ("remove", "delete", "done"):
        if not arg:
            raise ParseError(
                "keep-in-touch",
                f"Say whom, by number or name, e.g. {slash('keep-in-touch')} {sub} Jane Roe.",
            )
        who = limit(
            arg.lstrip("#") if arg.startswith("#") else arg, MAX_NAME, "The name", "keep-in-touch"
        )
        return DoneKeepInTouch(who) if sub == "done" else RemoveKeepInTouch(who)
    raise ParseError("keep-in-touch", f"I don't know “{sub[:30]}” in {slash('keep-in-touch')}.")


def _add(arg: str) -> KeepInTouchCommand:
    how = f"Write it as {slash('keep-in-touch')} {EXAMPLE}."
    m = EVERY.search(" " + arg)
    if not m:
        raise ParseError("keep-in-touch", f"Say how often, in weeks. {how}")
    name = clean((" " + arg)[: m.start()])
    if not name:
        raise ParseError("keep-in-touch", f"Whom do you keep in touch with? {how}")
    number = m.group(1) or "1"
    if not number.isdigit() or not 1 <= int(number) <= MAX_WEEKS:
        raise ParseError(
            "keep-in-touch",
            f"“{number[:10]}” is not a number of weeks; give 1 to {MAX_WEEKS}. {how}",
        )
    return AddKeepInTouch(limit(name, MAX_NAME, "The name", "keep-in-touch"), int(number))


# every Command this slice's parsers make
KeepInTouchCommand = ListKeepInTouch | AddKeepInTouch | RemoveKeepInTouch | DoneKeepInTouch
