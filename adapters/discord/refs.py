"""Who and where, in the core's terms: a Discord user in a guild becomes a UserRef, a channel a
ChannelRef. The guild is the workspace, so a group lives in one channel of one guild."""

from __future__ import annotations

import discord

from bot.model import ChannelRef, UserRef
from bot.work import Context

PLATFORM = "discord"


def user_ref(user: discord.abc.User, guild_id: int | str) -> UserRef:
    """A member as the core sees them; `display_name` is the server nickname when there is one."""
    return UserRef(PLATFORM, str(guild_id), str(user.id), user.display_name)


def channel_ref(channel: object, guild_id: int | str) -> ChannelRef:
    """The channel a command was typed in (a DM has no channel id for the core)."""
    channel_id = getattr(channel, "id", None)
    if channel_id is None or isinstance(channel, discord.DMChannel):
        return dm_ref(guild_id)
    name = getattr(channel, "name", None)
    return ChannelRef(PLATFORM, str(guild_id), str(channel_id), f"#{name}" if name else "")


def dm_ref(guild_id: int | str) -> ChannelRef:
    return ChannelRef(PLATFORM, str(guild_id), None, "")


def context(interaction: discord.Interaction, guild_id: int | str | None = None) -> Context:
    """The core's Context for an interaction. The interaction id is the request key, so a
    request Discord delivers twice is answered from the stored reply, not done twice. From a
    DM (a button on an old message) the guild comes from the button, `guild_id`; Discord does
    not say the server nickname there, so the name is left empty and the stored one kept."""
    guild = guild_id if guild_id is not None else interaction.guild_id
    if guild is None:
        raise ValueError("an interaction outside a guild needs the guild it is about")
    if interaction.guild_id is None:
        actor = UserRef(PLATFORM, str(guild), str(interaction.user.id), "")
        return Context(actor, dm_ref(guild), request_key=f"discord:{interaction.id}")
    return Context(
        actor=user_ref(interaction.user, guild),
        channel=channel_ref(interaction.channel, guild),
        request_key=f"discord:{interaction.id}",
    )


def snowflake(value: str) -> int | None:
    """A Discord id from the core's string, or None when it is not one (another platform's)."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 20 else None
