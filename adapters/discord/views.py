"""Buttons that survive restarts. Each button's custom_id carries the guild and the core's
action id (`rapport:<guild>:ref:12:contacted`); one DynamicItem, registered in setup_hook,
matches them all, so a click on a week-old DM reaches the core after any number of restarts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Protocol

import discord

from adapters.discord import wording
from bot.out import Action

log = logging.getLogger(__name__)

PREFIX = "rapport"
CUSTOM_ID_MAX = 100
LABEL_MAX = 80
PER_ROW = 5
ROWS = 5

STYLES = {
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
    "default": discord.ButtonStyle.secondary,
}


class HandlesActions(Protocol):
    """The client side of a click: RapportClient runs the action through the core."""

    async def handle_action(
        self, interaction: discord.Interaction, button: ActionButton
    ) -> None: ...


def custom_id(guild_id: str, action_id: str) -> str:
    return f"{PREFIX}:{guild_id}:{action_id}"


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{PREFIX}:(?P<guild>[0-9]{{1,20}}):(?P<action>.+)",
):
    """A button for one of the core's actions, rebuilt from its custom_id on every click."""

    def __init__(
        self,
        guild_id: str,
        action_id: str,
        *,
        label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
        row: int | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:LABEL_MAX],
                style=style,
                custom_id=custom_id(guild_id, action_id),
                disabled=disabled,
            ),
            row=row,
        )
        self.guild_id = guild_id
        self.action_id = action_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: Any,
    ) -> ActionButton:
        button = item if isinstance(item, discord.ui.Button) else None
        return cls(
            match["guild"],
            match["action"],
            label=(button.label if button and button.label else wording.BUTTON_FALLBACK),
            style=button.style if button else discord.ButtonStyle.secondary,
            disabled=bool(button and button.disabled),
        )

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        if not hasattr(client, "handle_action"):
            log.error("a Rapport button reached a client that cannot handle it")
            return
        handler: HandlesActions = client  # type: ignore[assignment]
        await handler.handle_action(interaction, self)


def action_view(actions: Sequence[Action], guild_id: str) -> discord.ui.View | None:
    """A persistent view (no timeout) with one button per action, five to a row."""
    view = discord.ui.View(timeout=None)
    for i, a in enumerate(actions[: PER_ROW * ROWS]):
        if len(custom_id(guild_id, a.action_id)) > CUSTOM_ID_MAX:
            log.warning("action %r is too long for a Discord button; left out", a.action_id[:40])
            continue
        view.add_item(
            ActionButton(
                guild_id,
                a.action_id,
                label=a.label,
                style=STYLES.get(a.style, discord.ButtonStyle.secondary),
                row=i // PER_ROW,
            )
        )
    return view if view.children else None


def after_click(message: discord.Message, clicked: str) -> discord.ui.View:
    """The message's buttons again, with the one just used marked done and disabled, so a
    second click is not a surprise. The other buttons stay: the next step is one click away."""
    view = discord.ui.View(timeout=None)
    for row, component in enumerate(message.components):
        for child in getattr(component, "children", []):
            cid = getattr(child, "custom_id", None)
            m = ActionButton.__discord_ui_compiled_template__.fullmatch(cid or "")
            if not isinstance(child, discord.components.Button) or m is None:
                continue
            done = cid == clicked
            label = child.label or wording.BUTTON_FALLBACK
            view.add_item(
                ActionButton(
                    m["guild"],
                    m["action"],
                    label=wording.DONE_MARK + label if done else label,
                    style=discord.ButtonStyle.success if done else child.style,
                    disabled=done or child.disabled,
                    row=min(row, ROWS - 1),
                )
            )
    return view
