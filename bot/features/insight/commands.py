"""The numbers as typed: /rapport stats, leaderboard, lights and gaps, and the Command types they make."""

from __future__ import annotations

from dataclasses import dataclass

from bot.grammar import (
    ParseError,
    Who,
    clean,
    no_args,
    take_mention,
)
from bot.messages import slash


@dataclass(frozen=True)
class ShowStats:
    member: Who | None = None


@dataclass(frozen=True)
class ShowLeaderboard:
    period: str = "month"  # week | month | quarter


@dataclass(frozen=True)
class ShowLights:
    everyone: bool = False


@dataclass(frozen=True)
class ShowGaps:
    """The caller's power team and open seats."""


def parse_stats(rest: str) -> InsightCommand:
    member, rest = take_mention(rest)
    if clean(rest):
        raise ParseError(
            "stats", f"Write {slash('stats')} for your numbers, or {slash('stats')} @member."
        )
    return ShowStats(member)


def parse_leaderboard(rest: str) -> InsightCommand:
    period = clean(rest).casefold() or "month"
    if period not in ("week", "month", "quarter"):
        raise ParseError(
            "leaderboard", "Choose week, month or quarter, e.g. /rapport leaderboard week."
        )
    return ShowLeaderboard(period)


def parse_lights(rest: str) -> InsightCommand:
    arg = clean(rest).casefold()
    if arg not in ("", "all", "everyone"):
        raise ParseError("lights", "Write /rapport lights, or /rapport lights all (admin).")
    return ShowLights(everyone=bool(arg))


def parse_gaps(rest: str) -> InsightCommand:
    return ShowGaps() if not clean(rest) else no_args("gaps")


# every Command this slice's parsers make
InsightCommand = ShowStats | ShowLeaderboard | ShowLights | ShowGaps
