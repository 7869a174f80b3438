"""What exports, members' data files and forgetting say, and their commands' usage."""

from __future__ import annotations

from bot.messages import (
    TODAY,
    YEAR_START,
    count,
    error,
    kind_word,
    notice,
    reply,
)
from bot.model import Referral, UserRef
from bot.out import OutMessage
from bot.text import fmt, lit, named

# command → (usage, example, what it does), for /rapport help and every usage reply
USAGE: dict[str, tuple[str, str, str]] = {
    "export": (
        "export [from YYYY-MM-DD] [to YYYY-MM-DD] [contacts]",
        f"export {YEAR_START} {TODAY}",
        "the admin's CSV files of referrals, leads, closed business, 1-2-1s and attendance",
    ),
    "my-data": ("my-data", "my-data", "a JSON file of everything stored about you"),
    "forget-me": (
        "forget-me [confirm]",
        "forget-me",
        "erase your personal data (asks you to confirm first)",
    ),
    "forget": (
        "forget @member [confirm]",
        "forget @dave",
        "the admin erases a member's personal data (asks to confirm first)",
    ),
}


# --- members' data -------------------------------------------------------------------------
def export_ready(
    first: str, last: str, counts: dict[str, int], contacts: bool, files: tuple[str, ...]
) -> OutMessage:
    label = {
        "referrals": "referral",
        "leads": "lead",
        "closed_business": "closed business report",
        "closed_business_totals": "monthly total",
        "referral_sources": "referral source",
        "one_to_ones": "1-2-1",
        "attendance": "attendance record",
    }
    what = ", ".join(count(n, label.get(name, name)) for name, n in counts.items())
    note = (
        " Prospect contact details are included: keep these files safe."
        if contacts
        else " Prospect contact details are left out; add `contacts` to include them."
    )
    return reply(
        f"Export of {first} to {last}: {what}. Closed business rows carry no amounts (those are"
        f" private to each member); the monthly group totals are in their own file.{note}",
        "export",
        attachments=files,
    )


def files_not_written(why: str) -> OutMessage:
    return error(
        f"I couldn't write the files ({why}), so there is nothing to send; none was left half"
        " written. Please try again later; if it keeps happening, tell whoever runs Rapport."
    )


def my_data_ready(files: tuple[str, ...]) -> OutMessage:
    return reply(
        "Here is everything Rapport stores about you, as JSON.", "my-data", attachments=files
    )


def forget_confirm(user: UserRef, self_: bool) -> OutMessage:
    who = lit("your") if self_ else fmt("{u}'s", u=named(user))
    # the name is echoed as the person's own text: "@everyone" or "<@&…>" stays inert
    again = (
        lit("/rapport forget-me confirm")
        if self_
        else fmt("/rapport forget @{name} confirm", name=user.display_name)
    )
    return reply(
        lit("This erases ")
        + who
        + lit(
            " personal data for good: name, profile, notes, the prospects of the referrals"
            " given (except those another member is still working on, which stay with them)"
            " and the contact details of those received (whom each giver referred stays in"
            " their record); open referrals still waiting on this member are closed and"
            " their givers told. The group's totals keep counting the activity anonymously."
            " To go ahead, type "
        )
        + again,
        "forget.confirm",
    )


def receiver_forgotten_dm(r: Referral) -> OutMessage:
    return notice(
        fmt(
            "Your {k} {p} (#{id}) went to a member whose data has been erased at their request,"
            " so it is closed. If {p} still needs help, pass them to another member with /referral.",
            k=lit(kind_word(r.kind)),
            p=r.prospect,
            id=r.id,
        ),
        "referral.receiver_forgotten",
        about=r.id,
    )
