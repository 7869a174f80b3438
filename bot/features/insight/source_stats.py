"""The stats' line counting a member's referrals by where they were found."""

from __future__ import annotations

import dataclasses

from bot.features.referrals import sources
from bot.out import OutMessage
from bot.text import lit


def with_sources(stats: OutMessage, by_source: dict[str, int]) -> OutMessage:
    """The stats with "By source this quarter: client 2, friend 1" when any said one."""
    if not by_source:
        return stats
    line = lit("\nBy source this quarter: " + sources.counted(by_source))
    return dataclasses.replace(stats, text=stats.text + line)
