"""The weekly meeting as a Guild Scheduled Event, so it shows in the server's Events list in
each member's own time. A convenience only: when the bot lacks the permission (Create Events)
or Discord fails, it is logged and the group carries on."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import discord

from adapters.discord.refs import snowflake
from adapters.discord.render import clip
from bot.model import ChannelRef, Group
from bot.ports import Clock
from bot.schedule import next_meeting
from bot.stores import Repository, UnitOfWork

log = logging.getLogger(__name__)

# what a post of these kinds changed: the meeting time, a skipped date, or a meeting just held
REFRESH_ON = frozenset({"meeting.set", "meeting.skipped", "recap.weekly"})
LENGTH = timedelta(minutes=90)  # the core knows when a meeting starts, not how long it runs
SCHEDULED = 1
EXTERNAL = 3
GUILD_ONLY = 2


class MeetingEvents:
    def __init__(self, client: discord.Client, repo: Repository, clock: Clock) -> None:
        self.client = client
        self.repo = repo
        self.clock = clock

    async def refresh(self, channel: ChannelRef) -> None:
        """Show the group's next meeting as an event, moving the one the bot made before."""
        guild_id = snowflake(channel.workspace)
        if guild_id is None:
            return
        try:
            await self._refresh(guild_id, channel)
        except discord.Forbidden:
            log.info(
                "no Create Events permission in server %s; the meeting is not listed as an"
                " event (rapport discord-invite asks for it)",
                guild_id,
            )
        except Exception:
            log.warning("could not list the meeting as a server event", exc_info=True)

    async def _refresh(self, guild_id: int, channel: ChannelRef) -> None:
        async def look(tx: UnitOfWork) -> tuple[Group | None, set[str]]:
            group = await tx.groups.by_channel(channel)
            return group, (await tx.groups.skips(group.id) if group else set())

        group, skips = await self.repo.read(look)
        if group is None or group.meeting is None:
            return
        start = next_meeting(group.meeting, self.clock.now(), skips)
        if start is None:
            return
        payload = _event(group, start)
        mine = await self._existing(guild_id, payload["name"])
        if mine is None:
            await self.client.http.create_guild_scheduled_event(
                guild_id, reason="Rapport: the group's weekly meeting", **payload
            )
        elif discord.utils.parse_time(mine["scheduled_start_time"]) != start:
            await self.client.http.edit_scheduled_event(
                guild_id, int(mine["id"]), reason="Rapport: the meeting moved", **payload
            )

    async def _existing(self, guild_id: int, name: str) -> dict[str, Any] | None:
        me = self.client.user.id if self.client.user else None
        events: list[Any] = await self.client.http.get_scheduled_events(guild_id, False)
        for e in events:
            if (
                str(e.get("creator_id")) == str(me)
                and e.get("name") == name
                and e.get("status") == SCHEDULED
            ):
                return dict(e)
        return None


def _event(group: Group, start: datetime) -> dict[str, Any]:
    meeting = group.meeting
    assert meeting is not None
    where = meeting.where or group.channel_name or group.name
    return {
        "name": clip(f"{group.name}: weekly meeting", 100),
        "privacy_level": GUILD_ONLY,
        "entity_type": EXTERNAL,
        "entity_metadata": {"location": clip(where, 100)},
        "scheduled_start_time": start.isoformat(),
        "scheduled_end_time": (start + LENGTH).isoformat(),
        "description": clip(
            f"{group.name} meets weekly. Rapport posts the reminders in"
            f" {group.channel_name or 'the group channel'}.",
            1000,
        ),
    }
