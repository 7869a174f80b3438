"""The numbers' commands: stats, leaderboard, lights and gaps."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.insight import commands as c
from bot.features.insight import handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "stats", c.parse_stats, {c.ShowStats: handlers.show_stats}, reads=reads(c.ShowStats)
    ),
    CommandSpec(
        "leaderboard",
        c.parse_leaderboard,
        {c.ShowLeaderboard: handlers.leaderboard},
        reads=reads(c.ShowLeaderboard),
    ),
    CommandSpec(
        "lights",
        c.parse_lights,
        {c.ShowLights: handlers.lights},
        aliases=("light",),
        reads=reads(c.ShowLights),
    ),
    CommandSpec("gaps", c.parse_gaps, {c.ShowGaps: handlers.gaps}, reads=reads(c.ShowGaps)),
)
