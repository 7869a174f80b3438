"""The referral form: `/referral member:@bob` alone opens it, so the prospect's details can be
typed in labelled boxes. Its fields go through the same rules as the typed grammar
(`referral_from_fields`), and a bad field is named in the answer."""

from __future__ import annotations

import dataclasses
import logging

import discord

from adapters.discord import render, replies, wording
from bot import messages
from bot.features.referrals.commands import FieldErrors, referral_from_fields
from bot.grammar import MAX_EMAIL, MAX_NAME, MAX_TEXT
from bot.model import UserRef

log = logging.getLogger(__name__)

TITLE_MAX = 45
PHONE_MAX = 40
OPEN_MINUTES = 30  # a form left open longer is forgotten; its submit then fails visibly


class ReferralModal(discord.ui.Modal):
    def __init__(
        self,
        member: UserRef,
        *,
        email: str | None = None,
        phone: str | None = None,
        need: str | None = None,
        heat: int | None = None,
        inside: bool = False,
        source: str | None = None,
    ) -> None:
        super().__init__(
            title=render.clip(wording.MODAL_TITLE.format(name=member.display_name), TITLE_MAX),
            timeout=OPEN_MINUTES * 60,
        )
        self.member = member
        self.inside = inside
        self.source = source
        self.prospect: discord.ui.TextInput[ReferralModal] = discord.ui.TextInput(
            label=wording.MODAL_PROSPECT, max_length=MAX_NAME
        )
        self.email: discord.ui.TextInput[ReferralModal] = discord.ui.TextInput(
            label=wording.MODAL_EMAIL, required=False, max_length=MAX_EMAIL, default=email
        )
        self.phone: discord.ui.TextInput[ReferralModal] = discord.ui.TextInput(
            label=wording.MODAL_PHONE, required=False, max_length=PHONE_MAX, default=phone
        )
        self.need: discord.ui.TextInput[ReferralModal] = discord.ui.TextInput(
            label=wording.MODAL_NEED,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_TEXT,
            default=need,
        )
        self.heat: discord.ui.TextInput[ReferralModal] = discord.ui.TextInput(
            label=wording.MODAL_HEAT,
            required=False,
            max_length=1,
            placeholder=wording.MODAL_HEAT_HINT,
            default=str(heat) if heat else None,
        )
        for box in (self.prospect, self.email, self.phone, self.need, self.heat):
            self.add_item(box)

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        try:
            command = referral_from_fields(
                self.member,
                self.prospect.value,
                self.email.value,
                self.phone.value,
                self.need.value,
                self.heat.value,
                self.inside,
            )
        except FieldErrors as e:
            await replies.say(interaction, wording.fix_fields(e.errors))
            return
        await replies.run(interaction, dataclasses.replace(command, source=self.source))

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        log.error("referral form failed", exc_info=error)
        await replies.say(interaction, messages.internal_error().fallback())
