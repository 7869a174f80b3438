"""Every sentence of the dashboard, in one place, and the usage of /rapport me."""

from __future__ import annotations

from datetime import datetime

from bot.messages import count, when
from bot.model import STATUS_LABEL, Group, Kind, Member, Referral
from bot.text import Rich, fmt, lit, named

USAGE: dict[str, tuple[str, str, str]] = {
    "me": (
        "me",
        "me",
        "where you stand, privately: your next meeting and RSVP, the referrals waiting on you"
        " and those you gave, your numbers, light and ask, with buttons (on Slack it is also"
        " Rapport's Home tab)",
    ),
}

TITLE = "Where you stand"
MEETING = "Next meeting"
DUTIES = "Your duties this week"
RECEIVED = "Referrals waiting on you"
GIVEN = "Referrals you gave, still being worked"
NUMBERS = "How you're doing"
ASK = "Your ask"
CHANGE_ASK = "Change my ask"
ASK_TITLE = "Your ask"  # the modal's title (≤ 24 on Slack)
ASK_LABEL = "The referral you want: your ideal client"
ASK_HINT = "e.g. Owners of restaurants opening a second site"
SAVE = "Save"
CANCEL = "Cancel"
OPEN_LIST = "/referrals open"
GIVEN_LIST = "/referrals given"


def title(group: Group) -> str:
    return f"{TITLE} in {group.name}"


def intro(group: Group, others: int) -> Rich:
    text = fmt("Your week in {g}.", g=group.name)
    if others:
        text = text + lit(
            f" You are in {count(others, 'other group')} here too; this page shows {group.name}"
            " (type /rapport me in another group's channel for it)."
        )
    return text


def next_meeting(at: datetime, tz: str, where: str | None) -> Rich:
    """When (each reader's own time where the platform can show it; else the member's) and
    where: under the heading MEETING."""
    text = when(at, tz)
    if where:
        text = text + fmt(", {w}", w=where)
    return text


def no_meeting() -> Rich:
    return lit("No weekly meeting is set yet; the admin sets it with /rapport meeting set.")


RSVP_WORDS = {
    "attending": "You're attending.",
    "substitute": "You're sending a substitute.",
    "absent": "You can't make it.",
}


def rsvp(answer: str | None) -> Rich:
    if answer is None:
        return lit("You haven't answered yet: are you coming?")
    return lit(f"{RSVP_WORDS.get(answer, answer)} Change it here if that changes.")


def _who(m: Member) -> Rich:
    """Named, never pinged (a dashboard is read again and again); a forgotten member by words."""
    return lit("a former member") if m.forgotten else Rich((named(m.user),))


def received(r: Referral, giver: Member) -> Rich:
    kind = "referral" if r.kind is Kind.REFERRAL else "lead"
    return (
        lit(f"#{r.id} {kind} from ")
        + _who(giver)
        + fmt(": {p} — ", p=r.prospect)
        + lit(STATUS_LABEL[r.status])
    )


def given(r: Referral, receiver: Member) -> Rich:
    kind = "referral" if r.kind is Kind.REFERRAL else "lead"
    return (
        lit(f"#{r.id} {kind} to ")
        + _who(receiver)
        + fmt(": {p} — ", p=r.prospect)
        + lit(STATUS_LABEL[r.status])
    )


def nothing_received() -> Rich:
    return lit("Nothing is waiting on you.")


def nothing_given() -> Rich:
    return lit(
        "Nothing you gave is still being worked. /referral @member <prospect> <email or phone>"
        " passes one."
    )


def ask(text: str | None) -> Rich:
    if not text:
        return lit(
            "You haven't told the group the referral you want yet. /rapport profile ask <text>"
            " sets it."
        )
    return fmt("{a}", a=text)


def more(n: int, command: str) -> Rich:
    """What a platform that cannot show a whole list says instead of the rest."""
    return lit(f"…and {n} more: {command} lists them all.")


def more_buttons(n: int) -> Rich:
    """Buttons beyond what one message can carry: the typed commands still work."""
    return lit(
        f"{count(n, 'referral')} above {'has' if n == 1 else 'have'} no buttons here (a message"
        " takes so many): /referrals update <id> contacted|meeting|won|lost moves one."
    )


def not_in_a_group() -> Rich:
    return lit(
        "You're not in a Rapport group here yet.\n"
        "• To start one for your networking group, type /rapport setup <group name> in the"
        " channel where the group talks; you become its admin.\n"
        "• To join a group that already uses Rapport, type /rapport join <your classification>"
        " (e.g. Residential plumbing) in its channel.\n"
        "Then this page shows your next meeting, the referrals waiting on you and your numbers."
    )


WELCOME = "Welcome to Rapport"


SLOT_WHAT = {"presenter": "the feature presentation", "educator": "the education slot"}


def holds_slot(slot: str, day: str, topic: str | None) -> Rich:
    """A slot the member holds at the next meeting."""
    what = SLOT_WHAT.get(slot, slot)
    if topic:
        return fmt("You give {w} on {d}: {t}", w=what, d=day, t=topic)
    return fmt(
        "You give {w} on {d}; set your topic with /rapport {s} {d} -- your topic",
        w=what,
        d=day,
        s=slot,
    )


def asked_to_take(slot: str, day: str) -> Rich:
    """A swap offered to the member, waiting for their answer."""
    return fmt(
        "You're asked to take {w} on {d}: /rapport {s} accept {d} (or decline)",
        w=SLOT_WHAT.get(slot, slot),
        d=day,
        s=slot,
    )


def hosting(day: str, expected: int) -> Rich:
    """The visitor host's duty at the next meeting."""
    return fmt("You host the visitors on {d}: ", d=day) + lit(
        f"{count(expected, 'visitor')} expected (/rapport visitors)"
        if expected
        else "none expected yet (/rapport visitors)"
    )
