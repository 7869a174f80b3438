"""`/rapport me`: its Command type and its parsing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.grammar import ParseError, clean
from bot.messages import slash


@dataclass(frozen=True)
class ShowHome:
    """The member's own dashboard, privately."""


HomeCommand = ShowHome


def parse_me(rest: str) -> HomeCommand:
    if clean(rest):
        raise ParseError("me", f"Write just {slash('me')}.")
    return ShowHome()
