"""What renewals and leave say."""

from __future__ import annotations

from datetime import date

from bot.messages import continued, error, notice, reply
from bot.model import Member, UserRef
from bot.out import OutMessage
from bot.text import Rich, fmt, listing, lit, named

USAGE: dict[str, tuple[str, str, str]] = {
        "member": (
            "member @member [renewal YYYY-MM-DD|none] [leave YYYY-MM-DD YYYY-MM-DD|none]",
            "member @bob renewal {a-week-from-today}",
            "a member's renewal date (the membership committee is told 60 and 30 days before)"
            " or leave of absence (not counted absent, no nudges, no presenter slot); admins"
            " and the membership committee",
        ),
}


def committee_only() -> OutMessage:
    return error("Only the group's admins and the membership committee set renewals and leave.")


def terms(member: UserRef, renewal: str | None, leave: tuple[str, str] | None) -> OutMessage:
    text = fmt("{u}: ", u=named(member))
    text = text + lit(f"renews on {renewal}" if renewal else "no renewal date")
    text = text + lit(f"; on leave from {leave[0]} to {leave[1]}." if leave else "; not on leave.")
    return reply(text, "member.terms")


def renewal_saved(member: UserRef, day: date | None, notices: list[date]) -> OutMessage:
    if day is None:
        return reply(fmt("{u} has no renewal date now.", u=named(member)), "member.renewal")
    text = fmt("Saved: {u} renews on ", u=named(member)) + lit(f"{day}.")
    if notices:
        text = text + lit(
            " The membership committee will be told on "
            + " and ".join(str(d) for d in notices)
            + "."
        )
    else:
        text = text + lit(" That is less than 30 days away, too soon for the committee's notices.")
    return reply(text, "member.renewal")


def leave_saved(member: UserRef, first: date | None, last: date | None) -> OutMessage:
    if first is None or last is None:
        return reply(fmt("{u} is not on leave now.", u=named(member)), "member.leave")
    return reply(
        fmt("Saved: {u} is on leave ", u=named(member))
        + lit(
            f"from {first} to {last}. Meanwhile they are not counted absent, get no"
            " accountability nudges and are given no presenter slot."
        ),
        "member.leave",
    )


def renewal_notice(member: UserRef, day: str, days: int) -> OutMessage:
    return notice(
        fmt("Renewal in {n} days: {u}'s membership renews on ", n=str(days), u=named(member))
        + lit(f"{day}. Time for a renewal conversation."),
        "renewal.notice",
    )


def renewals_line(members: list[Member]) -> Rich:
    """The monthly recap's line: who renews this month, by name only."""
    if not members:
        return lit("")
    return lit("\n") + listing(
        [fmt("{u}", u=named(m.user)) for m in members],
        head=lit("🔁 Renewals due this month: "),
        again=lit(continued("Renewals due this month") + ": "),
    )
