"""The referral loop's own commands: /referral, /lead, /referrals, /thanks, /onetoone.

Discord validates the typed options (a real member, a heat from 1 to 5, a status from the
list); each callback builds the same core Command the typed grammar would, through the command
type's own checks (`LogLead.of`, `Thank.of`, …), and hands it over: a value the grammar refuses
is refused here with the same answer.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import discord
from discord import app_commands

from adapters.discord import options, refs, replies, wording
from adapters.discord.modal import ReferralModal
from bot.features.referrals.commands import (
    CorrectAmount,
    EditReferral,
    FieldErrors,
    ListReferrals,
    LogLead,
    SnoozeReferral,
    Thank,
    UpdateReferral,
    WithdrawReferral,
    referral_from_fields,
)
from bot.features.roster.commands import LogOneToOne
from bot.grammar import MAX_EMAIL, MAX_NAME, MAX_TEXT, SNOOZES, STATUS_WORDS, clean

Id = app_commands.Range[int, 1, options.MAX_ID]
Name = app_commands.Range[str, 1, MAX_NAME]
Text = app_commands.Range[str, 1, MAX_TEXT]


def direct_commands() -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
    """Built per client, never at import time."""
    return [_referral(), _lead(), _referrals(), _thanks(), _onetoone()]


async def _problem(interaction: discord.Interaction, e: options.OptionProblem) -> None:
    await replies.say(interaction, wording.option_problem(e.option, e.problem))


def _referral() -> app_commands.Command[Any, ..., Any]:
    @app_commands.command(
        name="referral",
        description="Pass a referral: someone who expects the member's call",
    )
    @app_commands.guild_only()
    @app_commands.describe(
        member="The member you are passing it to",
        prospect="The prospect's name (leave it out to fill in a form)",
        email="The prospect's email address",
        phone="The prospect's phone number",
        need="What they need",
        heat="How ready they are: 1 (cool) to 5 (ready to buy)",
        inside="Is the prospect a member of this group?",
        source="Where you found it",
    )
    @app_commands.choices(heat=options.HEAT_CHOICES, source=options.SOURCE_CHOICES)
    async def referral(
        interaction: discord.Interaction,
        member: discord.Member,
        prospect: Name | None = None,
        email: app_commands.Range[str, 1, MAX_EMAIL] | None = None,
        phone: app_commands.Range[str, 1, 40] | None = None,
        need: Text | None = None,
        heat: app_commands.Choice[int] | None = None,
        inside: bool = False,
        source: app_commands.Choice[str] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        who = refs.user_ref(member, interaction.guild_id)
        level = heat.value if heat else None
        found = source.value if source else None
        if prospect is None:
            form = ReferralModal(
                who, email=email, phone=phone, need=need, heat=level, inside=inside, source=found
            )
            await interaction.response.send_modal(form)
            return
        try:
            command = referral_from_fields(who, prospect, email, phone, need, level, inside)
        except FieldErrors as e:
            await replies.say(interaction, wording.fix_fields(e.errors))
            return
        await replies.run(interaction, dataclasses.replace(command, source=found))

    return referral


def _lead() -> app_commands.Command[Any, ..., Any]:
    @app_commands.command(
        name="lead",
        description="Pass a lead: a name, with no contact details or introduction",
    )
    @app_commands.guild_only()
    @app_commands.describe(
        member="The member the lead is for",
        business="The business or person",
        details="What you heard, or why it fits them",
    )
    async def lead(
        interaction: discord.Interaction,
        member: discord.Member,
        business: Name,
        details: Text | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        who = refs.user_ref(member, interaction.guild_id)
        await replies.run(interaction, lambda: LogLead.of(who, business, details))

    return lead


def _referrals() -> app_commands.Group:
    group = app_commands.Group(
        name="referrals",
        description="Your referrals and leads, and moving one you received along",
        guild_only=True,
    )

    @group.command(name="list", description="Your referrals and leads, newest first")
    @app_commands.describe(which="Which ones to show")
    @app_commands.choices(which=options.WHICH_CHOICES)
    async def list_(
        interaction: discord.Interaction, which: app_commands.Choice[str] | None = None
    ) -> None:
        await replies.run(interaction, ListReferrals(which.value if which else "all"))

    @group.command(name="update", description="Tell the giver how a referral you received is going")
    @app_commands.describe(
        referral="The referral's id (/referrals list shows it)",
        status="Where it stands now",
        amount="For won: what it's worth, e.g. 4800; add repeat for repeat business (kept private)",
        note="A note for the giver",
    )
    @app_commands.choices(status=options.STATUS_CHOICES)
    async def update(
        interaction: discord.Interaction,
        referral: Id,
        status: app_commands.Choice[str],
        amount: app_commands.Range[str, 1, 40] | None = None,
        note: Text | None = None,
    ) -> None:
        # the core checks the rest (only won takes an amount, the group's currency, …)
        money, repeat = options.amount(amount)
        await replies.run(
            interaction,
            lambda: UpdateReferral.of(referral, STATUS_WORDS[status.value], money, note, repeat),
        )

    @group.command(name="amount", description="Correct the closed business you recorded")
    @app_commands.describe(
        referral="The referral's id",
        amount=(
            "The right amount (e.g. 4800), or none to take it out; add repeat for repeat business"
        ),
        why="Why it changed (kept in the referral's history; the giver never sees amounts)",
    )
    async def amount(
        interaction: discord.Interaction,
        referral: Id,
        amount: app_commands.Range[str, 1, 40],
        why: Text,
    ) -> None:
        money, repeat = options.amount(amount)
        if money is None:
            await replies.say(interaction, wording.BAD_OPTIONS)
            return
        await replies.run(
            interaction, lambda: CorrectAmount.of(referral, money, why, repeat or None)
        )

    @group.command(name="edit", description="Correct a referral or lead you gave, while it's open")
    @app_commands.describe(
        referral="The referral's id",
        prospect="The prospect's name",
        email="The prospect's email address",
        phone="The prospect's phone number",
        need="What they need",
        heat="How ready they are",
    )
    @app_commands.choices(heat=options.HEAT_CHOICES)
    async def edit(
        interaction: discord.Interaction,
        referral: Id,
        prospect: Name | None = None,
        email: app_commands.Range[str, 1, MAX_EMAIL] | None = None,
        phone: app_commands.Range[str, 1, 40] | None = None,
        need: Text | None = None,
        heat: app_commands.Choice[int] | None = None,
    ) -> None:
        # the core takes the name, email and phone apart as it does for a typed line
        text = " ".join(clean(x) for x in (prospect, email, phone) if x and clean(x))
        level = heat.value if heat else None
        await replies.run(interaction, lambda: EditReferral.of(referral, text, need, level))

    @group.command(name="withdraw", description="Take back a mistaken or duplicate referral")
    @app_commands.describe(referral="The referral's id", why="Why it is withdrawn")
    async def withdraw(interaction: discord.Interaction, referral: Id, why: Text) -> None:
        await replies.run(interaction, lambda: WithdrawReferral.of(referral, why))

    @group.command(name="snooze", description="No reminders about a referral for a while")
    @app_commands.describe(referral="The referral's id", duration="For how long")
    @app_commands.choices(duration=options.SNOOZE_CHOICES)
    async def snooze(
        interaction: discord.Interaction, referral: Id, duration: app_commands.Choice[str]
    ) -> None:
        await replies.run(interaction, SnoozeReferral(referral, SNOOZES[duration.value]))

    return group


def _thanks() -> app_commands.Command[Any, ..., Any]:
    @app_commands.command(
        name="thanks",
        description="Thank a member in the channel; an amount records closed business",
    )
    @app_commands.guild_only()
    @app_commands.describe(
        member="The member you are thanking",
        referral="The referral you are thanking them for (its id)",
        amount="The business it brought, with currency or decimals, e.g. 4800.00; add repeat if so",
        note="A word of thanks, shown in the channel",
    )
    async def thanks(
        interaction: discord.Interaction,
        member: discord.Member | None = None,
        referral: Id | None = None,
        amount: app_commands.Range[str, 1, 40] | None = None,
        note: Text | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        if member is None and referral is None:
            await replies.say(interaction, wording.THANKS_WHO)
            return
        who = refs.user_ref(member, interaction.guild_id) if member else None
        money, repeat = options.amount(amount)
        await replies.run(
            interaction, lambda: Thank.of(who, referral, money, note, repeat=bool(repeat))
        )

    return thanks


def _onetoone() -> app_commands.Command[Any, ..., Any]:
    @app_commands.command(
        name="onetoone", description="Log a 1-2-1; when you both log it, it counts once"
    )
    @app_commands.guild_only()
    @app_commands.describe(
        member="The member you met",
        note="What you talked about",
        also="Another member who was there (a 1-2-1 with each)",
    )
    async def onetoone(
        interaction: discord.Interaction,
        member: discord.Member,
        note: Text | None = None,
        also: discord.Member | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        gid = interaction.guild_id
        others = (refs.user_ref(also, gid),) if also else ()
        who = refs.user_ref(member, gid)
        await replies.run(interaction, lambda: LogOneToOne.of(who, note, others))

    return onetoone
