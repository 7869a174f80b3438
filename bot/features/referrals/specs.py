"""The referral loop's commands: /referral, /lead, /referrals and /thanks."""

from __future__ import annotations

from bot.command_spec import CommandSpec, reads
from bot.features.referrals import commands as c
from bot.features.referrals import corrections, handlers

SPECS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "referral",
        c.parse_referral,
        {c.LogReferral: handlers.log_referral},
        aliases=("refer",),
        own_slash=True,
    ),
    CommandSpec("lead", c.parse_lead, {c.LogLead: handlers.log_lead}, own_slash=True),
    CommandSpec(
        "referrals",
        c.parse_referrals,
        {
            c.ListReferrals: handlers.list_referrals,
            c.UpdateReferral: handlers.update_referral,
            c.SnoozeReferral: handlers.snooze,
            c.CorrectAmount: corrections.correct_amount,
            c.ShowBusiness: corrections.show_business,
            c.EditReferral: corrections.edit,
            c.WithdrawReferral: corrections.withdraw,
        },
        reads=reads(c.ListReferrals, c.ShowBusiness),
        own_slash=True,
    ),
    CommandSpec(
        "thanks", c.parse_thanks, {c.Thank: handlers.thank}, aliases=("thank",), own_slash=True
    ),
)
