"""What keep-in-touch says (only ever to the member, in replies only they see and DMs),
and its usage."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.features.keep_in_touch.model import Contact
from bot.messages import error, notice, reply, slash
from bot.out import OutMessage
from bot.text import Rich, fmt, lit

MOST = 10

# command → (usage, example, what it does), for /rapport help and every usage reply
USAGE: dict[str, tuple[str, str, str]] = {
    "keep-in-touch": (
        "keep-in-touch\nkeep-in-touch add <name> every <N> weeks"
        "\nkeep-in-touch done <number|name>\nkeep-in-touch remove <number|name>",
        "keep-in-touch add Jane Roe every 6 weeks",
        "up to ten people outside the group you stay top of mind with: a DM when one is"
        " due, with your ask to mention (only you see it)",
    ),
}


def _every(c: Contact) -> str:
    return "every week" if c.every_weeks == 1 else f"every {c.every_weeks} weeks"


def _day(ts: int, tz: str) -> str:
    at = datetime.fromtimestamp(ts, ZoneInfo(tz))
    return f"{at:%a} {at.day} {at:%b}"


def listed(contacts: list[Contact], tz: str) -> OutMessage:
    if not contacts:
        return reply(
            "You keep in touch with nobody here yet. Name up to ten people outside the group"
            " you want to stay top of mind with, e.g."
            f" {slash('keep-in-touch')} add Jane Roe every 6 weeks; I'll DM you when each is due.",
            "keep_in_touch.list",
        )
    text: Rich = lit(f"You keep in touch with (only you see this list; {len(contacts)} of {MOST}):")
    for c in contacts:
        text = (
            text
            + fmt("\n#{id} {n}", id=c.id, n=c.name)
            + lit(f", {_every(c)}; next {_day(c.due_at, tz)}")
        )
    text = text + lit(
        f"\n{slash('keep-in-touch')} done <number> after you've been in touch;"
        f" remove <number> to stop."
    )
    return reply(text, "keep_in_touch.list")


def added(c: Contact, tz: str) -> OutMessage:
    return reply(
        fmt("Added #{id} {n}, ", id=c.id, n=c.name)
        + lit(f"{_every(c)}: I'll DM you on {_day(c.due_at, tz)}. Only you see this."),
        "keep_in_touch.added",
    )


def removed(c: Contact) -> OutMessage:
    return reply(
        fmt("Removed {n}: no more reminders about them.", n=c.name), "keep_in_touch.removed"
    )


def done(c: Contact, tz: str) -> OutMessage:
    return reply(
        fmt("Noted: you were in touch with {n}. ", n=c.name)
        + lit(f"Next reminder {_day(c.due_at, tz)}."),
        "keep_in_touch.done",
    )


def too_many() -> OutMessage:
    return error(
        f"You already keep in touch with {MOST} people, the most Rapport keeps; remove one"
        f" first ({slash('keep-in-touch')} remove <number>)."
    )


def already(c: Contact) -> OutMessage:
    return error(
        fmt("{n} is already on your list as #{id}", n=c.name, id=c.id)
        + lit(f"; {slash('keep-in-touch')} done {c.id} after you've been in touch.")
    )


def not_found(who: str) -> OutMessage:
    return error(
        fmt("“{w}” is not on your keep-in-touch list; ", w=who[:60])
        + lit(f"{slash('keep-in-touch')} shows it, with each one's number.")
    )


def due_dm(c: Contact, ask: str | None) -> OutMessage:
    text = fmt("Time to get in touch with {n}: ", n=c.name) + lit(
        f"you wanted to {'each week' if c.every_weeks == 1 else f'every {c.every_weeks} weeks'}"
        " to stay top of mind."
    )
    if ask:
        text = text + fmt(" When you talk, mention what you're looking for: {a}", a=ask)
    else:
        text = text + lit(
            " When you talk, tell them the referral you want (and set it for the group with"
            f" {slash('profile')} ask <text>)."
        )
    text = text + lit(f"\nDone? {slash('keep-in-touch')} done {c.id}")
    return notice(text, "keep_in_touch.due")
