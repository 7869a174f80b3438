"""What the roster says: setup, joining a seat, profiles and 1-2-1s, and their commands' usage."""

from __future__ import annotations

from bot import buttons
from bot.messages import error, notice, reply
from bot.model import Group, Member, UserRef
from bot.out import Action, Field, OutMessage
from bot.text import Rich, fmt, join, lit, named

# command → (usage, example, what it does), for /rapport help and every usage reply
USAGE: dict[str, tuple[str, str, str]] = {
    "setup": (
        "setup [group name] [currency:CODE]",
        "setup Cape Town Breakfast Club",
        "make this channel your group's home; you become its admin (amounts are in the time"
        " zone's currency unless you give one)",
    ),
    "join": (
        "join <classification>",
        "join Residential plumbing",
        "take your seat: one member per classification",
    ),
    "profile": (
        "profile\nprofile @member\nprofile ask <the referral you want>\nprofile email <address>"
        "\nprofile tz <Area/City>\nprofile quiet <HH:MM-HH:MM>\nprofile dm on|off"
        "\nprofile phone <number>|none\nprofile website <url>|none\nprofile share email on|off",
        "profile ask homeowners planning a kitchen remodel",
        "show or change your ask, email, time zone, quiet hours and DMs, and what your card"
        " shares; or read a member's ask",
    ),
    "onetoone": (
        "onetoone @member [@member …] [-- note]",
        "onetoone @carol -- coffee at Rio",
        "log a 1-2-1 (with each member named); when you both log it, it counts once",
    ),
    "roster": (
        "roster",
        "roster",
        "every member with their seat, join date and role, and the open seats",
    ),
    "seat": (
        "seat allow @member",
        "seat allow @erin",
        "an admin lets a member take a seat in the same trade as another member's",
    ),
}


# --- setup and joining -------------------------------------------------------------------
def setup_needs_channel() -> OutMessage:
    return error("Run /rapport setup in the channel your group will use, not in a direct message.")


def already_set_up(group: Group, admins: list[Member]) -> OutMessage:
    who = join([fmt("{u}", u=m.user) for m in admins]) or lit("nobody")
    return error(fmt("This channel is already home to {g} (admin: {who}).", g=group.name, who=who))


def group_created(group: Group) -> OutMessage:
    return reply(
        fmt(
            "{g} is set up in this channel and you are its admin. Next: take your own seat with"
            " /rapport join <classification>, set the weekly meeting with /rapport meeting set"
            " <weekday> <HH:MM> <Area/City> (then /rapport meeting ics puts it in your"
            " calendar), and invite members to /rapport join.",
            g=group.name,
        ),
        "setup.done",
    )


def group_created_post(group: Group, admin: UserRef) -> OutMessage:
    return notice(
        fmt(
            "{admin} set up Rapport for {g} here. Take your seat with /rapport join <classification>"
            " (one member per classification), then tell us the referral you want with"
            " /rapport profile ask <text>.",
            admin=admin,
            g=group.name,
        ),
        "setup.post",
    )


def seat_taken(classification: str, holder: Member) -> OutMessage:
    return error(
        fmt(
            "The {c} seat is taken by {h}: the group keeps one seat per classification. Pick a"
            " different classification, or talk to your organiser.",
            c=classification,
            h=holder.user,
        )
    )


def already_hold(classification: str) -> OutMessage:
    return reply(fmt("You already hold the {c} seat.", c=classification), "join.same")


def joined(member: Member, group: Group, moved_from: str | None) -> OutMessage:
    if moved_from:
        text = fmt(
            "You moved from {old} to the {c} seat in {g}.",
            old=moved_from,
            c=member.classification or "",
            g=group.name,
        )
    else:
        text = fmt(
            "Welcome to {g}! You hold the {c} seat. Tell the group the referral you want:"
            " /rapport profile ask <your ideal client>.",
            g=group.name,
            c=member.classification or "",
        )
    return reply(text, "join.done")


def joined_post(member: Member, moved_from: str | None) -> OutMessage:
    if moved_from:
        return notice(
            fmt(
                "{u} moved from {old} to {c}.",
                u=member.user,
                old=moved_from,
                c=member.classification or "",
            ),
            "join.post",
        )
    return notice(
        fmt(
            "Please welcome {u}, who takes the {c} seat!",
            u=member.user,
            c=member.classification or "",
        ),
        "join.post",
    )


def member_profile(member: Member, group: Group) -> OutMessage:
    """Another member's seat and whole ask: what a shortened ask in a list points to."""
    fields = (
        Field(
            "Classification",
            fmt("{c}", c=member.classification) if member.classification else lit("none yet"),
        ),
        Field("Ask", fmt("{a}", a=member.ask) if member.ask else lit("not set yet")),
    )
    return reply(
        fmt("{u} in {g}:", u=named(member.user), g=group.name),
        "profile.member",
        fields=fields,
        title=f"{member.user.display_name}'s profile",
    )


def profile_updated(what: str, value: Rich | str) -> OutMessage:
    return reply(fmt(f"Saved. Your {what}: {{v}}", v=value), "profile.updated")


# --- 1-2-1s ------------------------------------------------------------------------------
def one_to_one_logged(other: UserRef) -> OutMessage:
    return reply(
        fmt("Your 1-2-1 with {o} is logged. I've asked {o} to log it too.", o=other),
        "onetoone.logged",
    )


def one_to_one_confirmed(other: UserRef) -> OutMessage:
    return reply(
        fmt("Your 1-2-1 with {o} is logged; {o} logged it too, so it counts once.", o=other),
        "onetoone.confirmed",
    )


def one_to_one_already(other: UserRef) -> OutMessage:
    return reply(
        fmt("You already logged a 1-2-1 with {o} today; it counts once.", o=other), "onetoone.same"
    )


def one_to_one_dm(logger: Member) -> OutMessage:
    return notice(
        fmt("{u} logged a 1-2-1 with you. If you met, log it too: it counts once.", u=logger.user),
        "onetoone.dm",
        actions=(
            Action(
                "Log it too",
                buttons.LogOneToOne(logger.id).action_id,
                fmt("/onetoone {u}", u=logger.user),
                "primary",
            ),
        ),
    )


def one_to_one_self() -> OutMessage:
    return error("A 1-2-1 takes two: name the member you met.")
