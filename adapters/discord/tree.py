"""The command tree: every Rapport command, a guild check, and an answer for every failure, so
a member never sees Discord's bare "The application did not respond"."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord import replies, wording
from adapters.discord.leadership import leadership_group
from adapters.discord.rapport import rapport_group
from adapters.discord.slash import direct_commands
from bot import messages

log = logging.getLogger(__name__)

# Discord sent options that do not fit the command's definition (an old definition still
# cached by Discord, or a malformed request): the member is told, nothing runs
_BAD_OPTIONS = (app_commands.CommandSignatureMismatch, app_commands.TransformerError)


class RapportTree(app_commands.CommandTree[discord.Client]):
    def __init__(self, client: discord.Client) -> None:
        super().__init__(client)
        for command in [*direct_commands(), rapport_group(), leadership_group()]:
            self.add_command(command)

    def payload(self) -> list[dict[str, Any]]:
        """What a sync would send Discord: the definitions the hash is taken of."""
        return [c.to_dict(self) for c in self.get_commands()]

    def digest(self) -> str:
        text = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """A group lives in a guild; a command from a DM has no group to act in."""
        if interaction.guild_id is None:
            if interaction.type is not discord.InteractionType.autocomplete:
                await replies.say(interaction, wording.GUILD_ONLY)
            return False
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError, /
    ) -> None:
        if isinstance(error, _BAD_OPTIONS):
            log.warning("command %s: options did not fit: %s", _name(interaction), error)
            text = wording.BAD_OPTIONS
        else:
            cause = getattr(error, "original", error)
            log.error("command %s failed", _name(interaction), exc_info=cause)
            text = messages.internal_error().fallback()
        try:
            await replies.say(interaction, text)
        except discord.HTTPException:
            log.exception("could not tell the member that command %s failed", _name(interaction))


def _name(interaction: discord.Interaction) -> str:
    data = interaction.data or {}
    return str(data.get("name", "?"))
