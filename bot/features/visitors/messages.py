"""Everything the visitor pipeline says. A visitor's email and phone appear only in replies
and DMs to the inviter, the visitor host and the admins: never in a channel."""

from __future__ import annotations

from datetime import date

from bot.features.visitors.store import STATUSES, Visitor
from bot.messages import continued, error, notice, reply
from bot.model import Member, UserRef
from bot.out import OutMessage
from bot.text import Rich, fmt, listing, lit, named

KEEP_DAYS = 180  # a visitor's contact details are erased this long after they were recorded
FOLLOW_UP_DAYS = 3  # an attended visitor not moved on for this long: the host is told

USAGE: dict[str, tuple[str, str, str]] = {}
USAGE["visitor"] = (
    "visitor <name> [email] [phone] [-- classification] [(invited by @member)]"
    " · visitor <id> confirmed|attended|applied|joined [@member]|declined [-- note]",
    "visitor Ann O'Connor ann@oconnor.example (invited by @bob)",
    "record a visitor (invited; attended when recorded at the meeting) and credit who"
    " invited them, or move one along the pipeline (the visitor host, admins or the"
    " inviter); joined @member seats the member they became in the visitor's classification",
)
USAGE["visitors"] = (
    "visitors",
    "visitors",
    "the visitor pipeline: each visitor's status and who invited them (contact details only"
    " for the inviter, the visitor host and the admins)",
)

LABEL = {
    "invited": "invited",
    "confirmed": "confirmed",
    "attended": "attended",
    "applied": "applied",
    "joined": "joined",
    "declined": "declined",
}


def _contacts(v: Visitor) -> Rich:
    parts = [x for x in (v.email, v.phone) if x]
    return fmt(" · {c}", c=" · ".join(parts)) if parts else lit("")


def recorded(v: Visitor, inviter: UserRef, seat_holder: Member | None) -> OutMessage:
    kept = (
        f" Their contact details are kept {KEEP_DAYS} days, for the inviter, the visitor host"
        " and the admins only."
        if (v.email or v.phone)
        else ""
    )
    text = fmt("Visitor {n} recorded, invited by {u}.", n=v.name, u=named(inviter))
    if v.status == "attended":
        text = text + lit(
            f" The recap will welcome them. They came to the meeting (#{v.id}):"
            f" /rapport visitor {v.id} applied when they apply."
        )
    else:
        text = text + lit(
            f" They are #{v.id}, invited; when they confirm: /rapport visitor {v.id} confirmed."
        )
    text = text + lit(kept)
    if seat_holder is not None:
        text = text + taken_line(v, seat_holder)
    return reply(text, "visitor.saved")


def taken_line(v: Visitor, holder: Member) -> Rich:
    return fmt(
        " Note: the {c} seat is taken by {h}.", c=v.classification or "", h=named(holder.user)
    )


def seat_taken_for_host(v: Visitor, holder: Member) -> OutMessage:
    return notice(
        fmt(
            "Visitor {n} (#{id}) is in {c}, and that seat is taken by {h}: worth a word before"
            " they come.",
            n=v.name,
            id=str(v.id),
            c=v.classification or "",
            h=named(holder.user),
        ),
        "visitor.seat_taken",
    )


def pipeline(visitors: list[Visitor], inviters: dict[int, Member], sees: set[int]) -> OutMessage:
    """`sees`: the visitors whose contact details this reader may see."""
    if not visitors:
        return reply(
            "No visitors in the pipeline. Record one with /rapport visitor <name>.", "visitor.list"
        )
    items: list[Rich] = []
    for v in visitors:
        line = fmt("#{id} {n}", id=str(v.id), n=v.name) + lit(f" — {LABEL[v.status]}")
        if v.classification:
            line = line + fmt(" ({c})", c=v.classification)
        who = inviters.get(v.invited_by or 0)
        if who is not None:
            line = line + lit(", invited by ") + fmt("{u}", u=named(who.user))
        if v.id in sees:
            line = line + _contacts(v)
        items.append(line)
    text = lit("Visitor pipeline:") + listing(
        items, sep="\n", head=lit("\n"), again=lit(continued("Visitor pipeline") + ":\n")
    )
    text = text + lit(
        "\nMove one with /rapport visitor <id> confirmed|attended|applied|joined|declined."
    )
    return reply(text, "visitor.list")


def not_found(visitor_id: int) -> OutMessage:
    return error(f"There is no visitor #{visitor_id} in this group. /rapport visitors lists them.")


def not_allowed() -> OutMessage:
    return error("Only the visitor host, the admins or whoever invited them move a visitor.")


def closed(v: Visitor) -> OutMessage:
    return error(
        fmt("{n} already ", n=v.name) + lit(f"{LABEL[v.status]}; that is the end of the pipeline.")
    )


def backwards(v: Visitor, status: str) -> OutMessage:
    order = " → ".join(STATUSES[:5])
    return error(
        fmt("{n} is ", n=v.name)
        + lit(f"{LABEL[v.status]} already; the pipeline goes forward ({order}, or declined).")
    )


def needs_seat(v: Visitor) -> OutMessage:
    return error(
        fmt("I don't know {n}'s classification, so I can't seat them.", n=v.name)
        + lit(
            f" Ask them to /rapport join <classification>, then /rapport visitor {v.id} joined"
            " @them links them."
        )
    )


def moved(v: Visitor, status: str, member: UserRef | None) -> OutMessage:
    text = fmt("{n} is now ", n=v.name) + lit(LABEL[status])
    if status == "joined" and member is not None:
        text = (
            text
            + lit(": ")
            + fmt("{u}", u=named(member))
            + lit(" is a member, and the invitation is credited.")
        )
    elif status == "joined":
        text = text + lit(
            ". When they are here, they take their seat with /rapport join <classification>;"
            f" then /rapport visitor {v.id} joined @them links them."
        )
    elif status == "attended":
        text = text + lit(". The recap will welcome them.")
    else:
        text = text + lit(".")
    return reply(text, "visitor.moved")


def inviter_told(v: Visitor, member: UserRef) -> OutMessage:
    return notice(
        fmt(
            "{n}, whom you invited, joined the group as {u}. Thank you for bringing them!",
            n=v.name,
            u=named(member),
        ),
        "visitor.joined",
    )


def expected(day: date, visitors: list[Visitor], inviters: dict[int, Member]) -> OutMessage:
    items: list[Rich] = []
    for v in visitors:
        line = fmt("#{id} {n}", id=str(v.id), n=v.name) + lit(f" ({LABEL[v.status]})")
        who = inviters.get(v.invited_by or 0)
        if who is not None:
            line = line + lit(", invited by ") + fmt("{u}", u=named(who.user))
        items.append(line + _contacts(v))
    text = lit(f"Visitors expected at tomorrow's meeting ({day}):") + listing(
        items, sep="\n", head=lit("\n"), again=lit(continued("Visitors expected") + ":\n")
    )
    text = text + lit(
        "\nAfter the meeting: /rapport visitor <id> attended (or declined for who didn't come)."
    )
    return notice(text, "visitors.expected")


def follow_up(v: Visitor) -> OutMessage:
    return notice(
        fmt("Follow up with {n} (#{id}), who came to the meeting", n=v.name, id=str(v.id))
        + lit(f" {FOLLOW_UP_DAYS} days ago: applied? ")
        + lit(f"/rapport visitor {v.id} applied, or declined -- why.")
        + _contacts(v),
        "visitors.follow_up",
    )
