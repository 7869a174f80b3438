"""Answering an interaction: defer at once (the core delivers DMs and posts before it returns,
which can take longer than Discord's 3 seconds), then show the core's replies to the person
who asked, and only to them (ephemeral)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import discord

from adapters.discord import refs, render
from bot.commands import Command
from bot.out import OutMessage
from bot.service import Core


class HasCore(Protocol):
    core: Core | None


def core_of(interaction: discord.Interaction) -> Core:
    client: HasCore = interaction.client  # type: ignore[assignment]
    if client.core is None:
        raise RuntimeError("an interaction arrived before the core was wired in")
    return client.core


async def defer(interaction: discord.Interaction) -> None:
    """Acknowledge now with a private "thinking…" placeholder the first reply replaces."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)


async def say(interaction: discord.Interaction, text: str) -> None:
    """A short private answer written by the adapter (a form or option problem)."""
    none = discord.AllowedMentions.none()
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=none)
    elif interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
        await interaction.edit_original_response(content=text, allowed_mentions=none)
    else:
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=none)


async def show(interaction: discord.Interaction, replies: list[OutMessage], guild_id: str) -> None:
    """The core's replies, privately: the first replaces the placeholder, the rest follow."""
    placeholder = (
        interaction.response.type is discord.InteractionResponseType.deferred_channel_message
    )
    for out in [part for reply in replies for part in render.outgoing(reply, guild_id)]:
        if placeholder:
            await interaction.edit_original_response(**out.edit_kwargs())
            placeholder = False
        elif not interaction.response.is_done():
            await interaction.response.send_message(ephemeral=True, **out.send_kwargs())
        else:
            await interaction.followup.send(ephemeral=True, **out.send_kwargs())
    if placeholder:  # nothing to say: take the "thinking…" away
        await interaction.delete_original_response()


async def run(
    interaction: discord.Interaction, command: str | Command | Callable[[], Command]
) -> None:
    """A command for the core, typed by whoever triggered the interaction, in its guild.
    Typed options come as a function building the Command (its type checks the values),
    so a refused value is answered as the core answers the same value typed."""
    ctx = refs.context(interaction)
    await defer(interaction)
    replies = await core_of(interaction).handle(ctx, command)
    await show(interaction, replies, ctx.actor.workspace)
