"""What Rapport says about the group's roster, its admins and its seats.

Kept beside bot/messages.py (same helpers, same style) so the group's wording reads in one
place; every other sentence is in messages.py.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import buttons
from bot.features.leadership.messages import role_label
from bot.messages import continued, error, notice, reply
from bot.model import Group, Member, UserRef
from bot.out import Action, OutMessage
from bot.text import Rich, fmt, join, listing, lit, named


def _admins(admins: list[Member]) -> Rich:
    return join([fmt("{u}", u=named(m.user)) for m in admins]) or lit("none")


# --- admins --------------------------------------------------------------------------------
def admins_list(group: Group, admins: list[Member]) -> OutMessage:
    return reply(
        fmt("{g}'s admins: ", g=group.name)
        + _admins(admins)
        + lit(". Any admin can do what only admins may; an admin makes another member an admin")
        + lit(" with /rapport admin add @member."),
        "admins",
    )


def admin_added(user: UserRef, admins: list[Member]) -> OutMessage:
    return reply(
        fmt("{u} is now an admin too: they can do everything an admin does. Admins: ", u=user)
        + _admins(admins)
        + lit("."),
        "admin.added",
    )


def admin_added_post(by: UserRef, user: UserRef, group: Group) -> OutMessage:
    return notice(fmt("{a} made {u} an admin of {g}.", a=by, u=user, g=group.name), "admin.post")


def already_admin(user: UserRef) -> OutMessage:
    return reply(fmt("{u} is already an admin; nothing changed.", u=named(user)), "admin.same")


def not_an_admin(user: UserRef) -> OutMessage:
    return reply(fmt("{u} isn't an admin; nothing changed.", u=named(user)), "admin.same")


def admin_removed(user: UserRef, admins: list[Member], self_: bool) -> OutMessage:
    head = (
        lit("You are no longer an admin.") if self_ else fmt("{u} is no longer an admin.", u=user)
    )
    return reply(head + lit(" Admins: ") + _admins(admins) + lit("."), "admin.removed")


def admin_removed_post(by: UserRef, user: UserRef) -> OutMessage:
    if by == user:
        return notice(fmt("{u} stepped down as an admin.", u=user), "admin.post")
    return notice(fmt("{a} took {u} off the admins.", a=by, u=user), "admin.post")


def last_admin_stays(user: UserRef, self_: bool) -> OutMessage:
    who = lit("You are") if self_ else fmt("{u} is", u=named(user))
    return error(
        who
        + lit(
            " the group's only admin, and a group with members always keeps one. Make another"
            " member an admin first with /rapport admin add @member."
        )
    )


def became_admin() -> Rich:
    return lit(
        " The group had no admin, so you are its admin now: /rapport help admin shows how to"
        " hand over."
    )


# --- seats ---------------------------------------------------------------------------------
def near_match_refused(
    classification: str, holder: Member, trade: str, requester: UserRef
) -> OutMessage:
    return error(
        fmt(
            "{c} is the same trade as {h}'s {hc} seat ({t}): the group keeps one seat per"
            " trade, so I held your seat back and told the admins. If the group wants you"
            " both, an admin allows it with /rapport seat allow {r}. Or pick a different"
            " classification.",
            c=classification,
            h=holder.user,
            hc=holder.classification or "",
            t=lit(trade),
            r=named(requester),
        )
    )


def near_match_for_admins(
    group: Group, requester: UserRef, classification: str, holder: Member, trade: str, rid: int
) -> OutMessage:
    return notice(
        fmt(
            "{r} asked to join {g} as {c}, the same trade as {h}'s {hc} seat ({t}). I held it"
            " back: the group keeps one seat per trade. If the group wants them both, allow it.",
            r=named(requester),
            g=group.name,
            c=classification,
            h=named(holder.user),
            hc=holder.classification or "",
            t=lit(trade),
        ),
        "seat.near_match",
        title="A seat to allow",
        actions=(
            Action(
                "Allow the seat",
                buttons.AllowSeat(rid).action_id,
                fmt("/rapport seat allow {r}", r=named(requester)),
                "primary",
            ),
        ),
    )


def no_seat_to_allow(user: UserRef) -> OutMessage:
    return reply(
        fmt(
            "{u} has no seat waiting to be allowed. When a join is held back because it is the"
            " same trade as another member's seat, the admins get a message and can allow it.",
            u=named(user),
        ),
        "seat.none",
    )


def seat_allowed(member: Member, holder: Member | None) -> OutMessage:
    text = fmt("{u} now holds the {c} seat", u=member.user, c=member.classification or "")
    if holder is not None and holder.active and holder.classification:
        text = text + fmt(
            ", beside {h}'s {hc} seat", h=named(holder.user), hc=holder.classification
        )
    return reply(text + lit(". I've told them and the channel."), "seat.allowed")


def seat_allowed_dm(group: Group, by: UserRef, member: Member) -> OutMessage:
    return notice(
        fmt(
            "{a} allowed your {c} seat in {g}: welcome! Tell the group the referral you want:"
            " /rapport profile ask <your ideal client>.",
            a=by,
            c=member.classification or "",
            g=group.name,
        ),
        "seat.allowed",
    )


# --- the roster ----------------------------------------------------------------------------
def roster(
    group: Group,
    members: list[Member],
    open_seats: list[str],
    roles: dict[int, list[str]] | None = None,
) -> OutMessage:
    """Every member, one line each (their leadership roles beside), then the open seats: a
    list message like the lights'."""
    roles = roles or {}
    zone = ZoneInfo(group.tz)
    text = fmt("{g}'s roster: ", g=group.name) + lit(
        f"{len(members)} member{'s' if len(members) != 1 else ''}."
    )
    lines = []
    for m in members:
        joined = datetime.fromtimestamp(m.joined_at, zone)
        seat = fmt("{c}", c=m.classification) if m.classification else lit("no seat yet")
        lines.append(
            lit("• ")
            + fmt("{u}", u=named(m.user))
            + lit(" — ")
            + seat
            + lit(f", joined {joined.day} {joined:%b %Y}")
            + lit(", admin" if m.is_admin else "")
            + lit("".join(f", {role_label(r)}" for r in roles.get(m.id, [])))
        )
    if lines:
        # a big chapter's roster is spread over as many messages as the platform needs
        text = text + lit("\n") + listing(lines, sep="\n", again=lit(continued("Roster") + ":\n"))
    if open_seats:
        text = text + lit("\nOpen seats: ") + join([fmt("{c}", c=c) for c in open_seats])
        text = text + lit(". Know someone? Bring them as a visitor.")
    else:
        text = text + lit(
            "\nOpen seats: none listed (an admin lists them with /rapport settings seat add"
            " <classification>; /rapport gaps shows the trades missing from your sphere)."
        )
    return reply(text, "roster")
