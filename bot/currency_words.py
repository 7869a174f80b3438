"""What Rapport says about a group's currency and locale: the one a group's time zone pays in,
an unknown code, a currency that would relabel recorded amounts, and the saved setting (used by
setup, /rapport settings and the referrals' amount replies).

Kept beside messages.py, in the same style: `fmt` treats a plain `str` value as the
member's own text (never rendered as markup or a mention), a `UserRef` as a mention.
"""

from __future__ import annotations

from bot import money as amounts
from bot.messages import (
    error,
    group_money,
    reply,
)
from bot.model import Group
from bot.out import OutMessage
from bot.text import Rich, fmt, lit

EXAMPLE_CENTS = 150_000  # 1500.00, the amount the examples write


def currency_line(group: Group) -> Rich:
    """The sentence that tells a new group (or its admin) what its amounts are in."""
    code = group.currency
    sign = amounts.symbol(code, amounts.locale_of(group))
    named = f"{code} ({sign})" if sign != code else code
    return lit(
        f"Amounts are in {named}, written like {group_money(EXAMPLE_CENTS, group)}; the admin"
        f" changes it with /rapport settings currency {'EUR' if code != 'EUR' else 'USD'}."
    )


def currency_followed_zone(group: Group) -> OutMessage:
    return reply(
        lit("The group's time zone moved, and no amount is recorded yet, so: ")
        + currency_line(group),
        "settings.currency",
    )


def currency_unknown(code: str) -> OutMessage:
    return error(
        fmt("“{c}” is not a currency code I know. Use an ISO code like ZAR, GBP or EUR.", c=code)
    )


def currency_in_use(group: Group, wanted: str, recorded: int) -> OutMessage:
    one = recorded == 1
    return error(
        f"{recorded} {'amount is' if one else 'amounts are'} recorded in {group.currency}, so"
        f" the currency stays {group.currency}: {wanted} would relabel"
        f" {'it' if one else 'them'}, and totals would add one currency to the other. If"
        f" {'it was' if one else 'they were'} never in {group.currency}, each member who"
        " recorded one takes it out with /referrals amount <id> none -- why (a referral's id,"
        " or the B number their thanks named), then change the currency and record"
        f" {'it' if one else 'them'} again in {wanted}."
    )


def locale_unknown(name: str) -> OutMessage:
    return error(
        fmt(
            "“{n}” is not a locale I know. Use a name like en_ZA, en_GB or de_DE, or default"
            " for the time zone's.",
            n=name,
        )
    )


def locale_saved(group: Group) -> OutMessage:
    return reply(
        f"Saved: amounts are written the {amounts.locale_of(group)} way, like"
        f" {group_money(EXAMPLE_CENTS, group)}.",
        "settings.saved",
    )


def currency_saved(group: Group) -> OutMessage:
    return reply(lit("Saved. ") + currency_line(group), "settings.saved")
