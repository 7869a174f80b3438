"""Discord shards: `rapport discord --shards N [--shard-ids a,b…]` runs those of the bot's N
gateway shards in this process, with discord.py's AutoShardedClient.

Discord sends a guild's events to shard `(guild_id >> 22) % N` and DMs to shard 0, so each
process hears only its shards' interactions; what an interaction sets off goes through the
outbox in the shared database, and a DM or a channel post is a REST call that any process
can make, whichever shard the member used. Discord asks for sharding past 2,500 servers.
The shards of a process share its one client and HTTP client, and so its one pace of
Discord's global limit (50 requests a second for the bot's token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord

from adapters.discord.client import DiscordConfig, RapportClient
from adapters.discord.pace import GlobalPace

MAX_SHARDS = 4096  # far more than any bot Rapport serves needs; catches a typo'd count


class ShardProblem(Exception):
    """One line for stderr: which option is wrong and how to write it."""


@dataclass(frozen=True)
class Shards:
    count: int
    ids: tuple[int, ...]  # the shards this process runs, all of them when none were named

    @property
    def all(self) -> bool:
        return self.ids == tuple(range(self.count))


def shard_of(guild_id: int | None, count: int) -> int:
    """The shard Discord sends a guild's events to (DMs go to shard 0)."""
    return 0 if guild_id is None else (guild_id >> 22) % count


def parse_shards(count: str | None, ids: str | None) -> Shards | None:
    """`--shards N` and `--shard-ids a,b…` as typed, checked; None when neither is given
    (one unsharded connection, as before)."""
    if count is None:
        if ids is not None:
            raise ShardProblem(
                "--shard-ids needs --shards: give the total number of shards too, like"
                " --shards 4 --shard-ids 0,1."
            )
        return None
    if not re.fullmatch(r"[0-9]{1,4}", count.strip()) or not 1 <= int(count) <= MAX_SHARDS:
        raise ShardProblem(
            f"--shards must be a whole number of shards from 1 to {MAX_SHARDS}, like --shards 4"
            f" (got {count[:20]!r})."
        )
    n = int(count)
    if ids is None:
        return Shards(n, tuple(range(n)))
    picked: list[int] = []
    for part in ids.split(","):
        part = part.strip()
        if not re.fullmatch(r"[0-9]{1,4}", part) or int(part) >= n:
            raise ShardProblem(
                f"--shard-ids must be shard numbers from 0 to {n - 1} (with --shards {n}),"
                f" separated by commas, like --shard-ids 0,1 (got {part[:20]!r})."
            )
        if int(part) not in picked:
            picked.append(int(part))
    return Shards(n, tuple(picked))


class ShardedRapportClient(RapportClient, discord.AutoShardedClient):
    """RapportClient on some of the bot's shards: the same commands, buttons and scheduler."""


def make_client(
    config: DiscordConfig,
    *,
    shards: Shards | None = None,
    pace: GlobalPace | None = None,
) -> RapportClient:
    """The client for `rapport discord`: one connection, or the given shards of N."""
    if shards is None:
        return RapportClient(config, pace=pace)
    return ShardedRapportClient(
        config,
        pace=pace,
        shard_count=shards.count,
        shard_ids=list(shards.ids),
    )
