"""What the numbers say: stats, the leaderboard, traffic lights and gaps, and their commands' usage."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.messages import PERIOD_LABEL, business_split, continued, count, reply, when
from bot.model import Member, Stats, UserRef
from bot.out import OutMessage
from bot.text import Rich, fmt, listing, lit, named

if TYPE_CHECKING:
    from bot.features.insight.handlers import Light, Metric


# command → (usage, example, what it does), for /rapport help and every usage reply
USAGE: dict[str, tuple[str, str, str]] = {
    "stats": ("stats [@member]", "stats", "this week's and this quarter's numbers"),
    "leaderboard": (
        "leaderboard [week|month|quarter]",
        "leaderboard quarter",
        "members by referrals and leads given, with shout-outs",
    ),
    "lights": (
        "lights\nlights all",
        "lights",
        "your traffic light, why, and what would move it (all: the admin sees everyone's)",
    ),
    "gaps": (
        "gaps",
        "gaps",
        "your contact sphere, your power team here, and the open seats worth filling",
    ),
}


# --- numbers -----------------------------------------------------------------------------
def stats(
    who: UserRef,
    week: Stats,
    quarter: Stats,
    currency: str,
    show_amount: bool,
    own: bool,
    locale: str | None = None,
) -> OutMessage:
    def line(label: str, s: Stats) -> Rich:
        parts = [
            f"{count(s.referrals_given, 'referral')} given, {s.referrals_received} received",
            f"{count(s.leads_given, 'lead')} given, {s.leads_received} received",
        ]
        if show_amount:
            parts.append(f"closed business {business_split(s, currency, locale)}")
        parts.append(count(s.one_to_ones, "1-2-1"))
        return lit(f"{label}: " + ", ".join(parts))

    head = lit("Your numbers") if own else fmt("{u}'s numbers", u=who)
    text = head + lit("\n") + line("This week", week) + lit("\n") + line("This quarter", quarter)
    if not show_amount:
        text = text + lit("\n(Closed business amounts are private to each member.)")
    return reply(text, "stats")


def leaderboard(
    period: str,
    ranked: list[tuple[Member, int, int]],
    firsts: list[Member],
    improved: list[Member],
    quiet: int,
) -> OutMessage:
    text = lit(f"🏆 Referrals and leads given {PERIOD_LABEL[period]}:")
    if not ranked:
        text = text + lit("\nNobody yet. The first referral or lead puts you at the top.")
    for i, (m, r, ld) in enumerate(ranked[:10], 1):
        parts = [count(r, "referral")] + ([count(ld, "lead")] if ld else [])
        text = text + lit(f"\n{i}. ") + fmt("{u}", u=named(m.user)) + lit(" — " + ", ".join(parts))
    if firsts:
        text = (
            text
            + lit("\n")
            + listing(
                [fmt("{u}", u=named(m.user)) for m in firsts],
                head=lit("🌱 First referral this quarter: "),
                again=lit(continued("🌱 First referral this quarter") + ": "),
            )
            + lit(".")
        )
    if improved:
        text = (
            text
            + lit("\n")
            + listing(
                [fmt("{u}", u=named(m.user)) for m in improved],
                head=lit("📈 Most improved on the period before: "),
                again=lit(continued("📈 Most improved") + ": "),
            )
            + lit(".")
        )
    if quiet:
        text = text + lit(
            f"\n{count(quiet, 'member')} haven't given one yet {PERIOD_LABEL[period]}."
            if quiet != 1
            else f"\n1 member hasn't given one yet {PERIOD_LABEL[period]}."
        )
    return reply(text, "leaderboard")


LIGHT_ICON = {"green": "🟢", "amber": "🟠", "red": "🔴", "grey": "⚪"}
THINGS = {
    "given": ("referral or lead", "referrals or leads"),
    "one_to_ones": ("1-2-1", "1-2-1s"),
    "visitors": ("visitor", "visitors"),
    "business": ("closed business report", "closed business reports"),
}


def _metric_line(x: Metric) -> str:
    if x.per_meeting:
        return (
            f"{x.label}: {x.value:.2f} per meeting ({x.count} in all; green from"
            f" {x.green_from:g}) {LIGHT_ICON[x.band]}"
        )
    return f"{x.label}: {x.value:.0%} of confirmed meetings (green from {x.green_from:.0%}) {LIGHT_ICON[x.band]}"


def own_light(light: Light, next_at: datetime | None, tz: str) -> OutMessage:
    if light.colour == "grey" and light.grey_because == "no_meetings":
        return reply(
            "⚪ No light yet: a light counts per meeting held, and the group hasn't held one"
            " since the weekly meeting was set. Every referral, 1-2-1 and visitor already"
            " counts.",
            "lights.own",
        )
    if light.colour == "grey":
        return reply(
            "⚪ No light yet: members get one after their first month. Every referral,"
            " 1-2-1 and visitor already counts.",
            "lights.own",
        )
    text = lit(
        f"{LIGHT_ICON[light.colour]} Your light is {light.colour}, over the last"
        f" {count(light.meetings, 'meeting')}."
    )
    for x in light.metrics:
        text = text + lit("\n• " + _metric_line(x))
    a = light.advice
    if a is not None:
        one, many = THINGS[a.key]
        what = f"{'one more' if a.need == 1 else f'{a.need} more'} {one if a.need == 1 else many}"
        by = (lit(" before ") + when(next_at, tz)) if next_at else lit(" before the next meeting")
        if a.to is None:
            text = text + lit(f"\n{what[0].upper()}{what[1:]}") + by + lit(" keeps you green.")
        else:
            measure = next(x.label for x in light.metrics if x.key == a.key)
            lift = lit(f" would turn your {measure} {a.to}.")
            text = text + lit(f"\n{what[0].upper()}{what[1:]}") + by + lift
    return reply(text, "lights.own")


def lights_all(lights: list[Light]) -> OutMessage:
    lines = []
    for light in lights:
        reds = [x.label for x in light.metrics if x.band != "green"]
        why = f" — to work on: {', '.join(reds)}" if reds and light.colour != "grey" else ""
        if light.colour == "grey":
            why = (
                " — no meeting held yet"
                if light.grey_because == "no_meetings"
                else " — newer than a month"
            )
        lines.append(
            lit(f"{LIGHT_ICON[light.colour]} ") + fmt("{u}", u=named(light.member.user)) + lit(why)
        )
    text = lit("Traffic lights (rolling window):")
    if lines:
        text = (
            text
            + lit("\n")
            + listing(lines, sep="\n", again=lit(continued("Traffic lights") + ":\n"))
        )
    return reply(text, "lights.all")


# --- power teams and open seats ------------------------------------------------------------
def _seats(trades: list[str]) -> Rich:
    return listing([lit(t) for t in trades])


def gaps_unplaced(classification: str | None, spheres: list[str]) -> OutMessage:
    if not classification:
        return reply(
            "Take a seat first (/rapport join <classification>) to see your power team.", "gaps.own"
        )
    return reply(
        fmt(
            "I can't place {c} in a contact sphere (" + ", ".join(spheres) + "). Ask"
            " your admin to add it to the group's catalogue.",
            c=classification,
        ),
        "gaps.own",
    )


def gaps_own(
    sphere: str, trade: str, team: list[tuple[Member, str]], open_seats: list[str]
) -> OutMessage:
    text = lit(f"Your contact sphere: {sphere} (you: {trade}).")
    if team:
        text = (
            text
            + lit("\n")
            + listing(
                [fmt("{u} ({t})", u=named(m.user), t=lit(t)) for m, t in team],
                head=lit("Your power team here: "),
                again=lit(continued("Your power team") + ": "),
            )
            + lit(". Meet them 1-2-1: you serve the same clients.")
        )
    else:
        text = text + lit("\nNobody in your sphere has a seat yet: you're the first.")
    if open_seats:
        text = (
            text + lit("\nOpen seats worth inviting someone for: ") + _seats(open_seats) + lit(".")
        )
    return reply(text, "gaps.own")


def gaps_all(by_sphere: list[tuple[str, list[str]]], unplaced: list[Member]) -> OutMessage:
    text = lit("Open seats by contact sphere:")
    for name, trades in by_sphere:
        text = text + lit(f"\n• {name}: ") + (_seats(trades) if trades else lit("all filled"))
        text = text + lit(".")
    if unplaced:
        text = (
            text
            + lit("\n")
            + listing(
                [fmt("{u} ({c})", u=named(m.user), c=m.classification or "") for m in unplaced],
                head=lit("Not in any sphere yet: "),
                again=lit(continued("Not in any sphere yet") + ": "),
            )
            + lit(".")
        )
    return reply(text, "gaps.all")
