"""Everything the presenter rotation says, and its Accept/Decline buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.features.presenters.store import SLOTS
from bot.messages import DAY_SOON, continued, error, notice, reply, when
from bot.model import Member, UserRef
from bot.out import Action, OutMessage
from bot.text import Rich, fmt, listing, lit, named

if TYPE_CHECKING:
    from bot.features.presenters.commands import AnswerSwap

WEEKS_SHOWN = 8  # /rapport presenters: the next eight meetings
DEFAULT_GAP_WEEKS = 8  # fill skips whoever presented in the last N weeks (a group setting)

# what each slot is called in a sentence, and its holder
WHAT = {"presenter": "feature presentation", "educator": "education slot"}
WHO = {"presenter": "Feature presenter", "educator": "Education slot"}

USAGE: dict[str, tuple[str, str, str]] = {
        "presenter": (
            "presenter <YYYY-MM-DD> [@member] [-- topic] · presenter swap <YYYY-MM-DD> @member"
            " · presenter accept|decline <YYYY-MM-DD>",
            f"presenter {DAY_SOON} @bob -- Pricing for referrals",
            "give a meeting's feature presentation to a member (admins and the vice president),"
            " or your own topic; hand yours over with swap, which the other member accepts",
        ),
        "presenters": (
            "presenters [fill] · presenters gap <weeks>",
            "presenters fill",
            "the feature presenters of the next 8 meetings; fill gives the open weeks out in"
            " roster order, skipping skipped meetings, members on leave, members who said they"
            " can't come, and who presented in the last 8 weeks (gap sets how many)",
        ),
        "educator": (
            "educator <YYYY-MM-DD> [@member] [-- topic] · educator swap <YYYY-MM-DD> @member"
            " · educator accept|decline <YYYY-MM-DD>",
            f"educator {DAY_SOON} @carol -- Asking for introductions",
            "the same for the education slot",
        ),
        "educators": (
            "educators [fill] · educators gap <weeks>",
            "educators",
            "the education slots of the next 8 meetings; fill gives the open weeks out",
        ),
}


@dataclass(frozen=True)
class SwapButton:
    """ "Accept" / "Decline" on the DM asking a member to take a slot."""

    slot: str
    day: date
    accept: bool

    @property
    def action_id(self) -> str:
        return f"swap:{self.slot}:{self.day.isoformat()}:{'accept' if self.accept else 'decline'}"

    @staticmethod
    def parse(parts: list[str]) -> SwapButton | None:
        if (
            len(parts) == 4
            and parts[0] == "swap"
            and parts[1] in WHAT
            and parts[3] in ("accept", "decline")
        ):
            try:
                day = date.fromisoformat(parts[2])
            except ValueError:
                return None
            return SwapButton(parts[1], day, parts[3] == "accept")
        return None

    def command(self) -> AnswerSwap:
        from bot.features.presenters.commands import AnswerSwap

        return AnswerSwap(self.slot, self.day, self.accept)


def _holder(slot: str, member: UserRef, topic: str | None) -> Rich:
    line = fmt("{u}", u=named(member))
    return line + fmt(" — {t}", t=topic) if topic else line


# --- replies ---------------------------------------------------------------------------------
def leaders_only(slot: str) -> OutMessage:
    return error(
        f"Only the group's admins and the vice president give out the {WHAT[slot]}; you can"
        f" set your own topic (/rapport {slot} YYYY-MM-DD -- topic) or swap yours."
    )


def past(day: date) -> OutMessage:
    return error(f"The meeting on {day} is over; choose an upcoming meeting's date.")


def on_leave(slot: str, member: UserRef, day: date) -> OutMessage:
    return error(
        fmt("{u} is on leave on ", u=named(member))
        + lit(f"{day}, so they can't have the {WHAT[slot]}.")
    )


def not_yours(slot: str, day: date) -> OutMessage:
    return error(
        f"You don't have the {WHAT[slot]} on {day}. /rapport {slot}s shows who has which week."
    )


def saved(slot: str, day: date, member: UserRef, topic: str | None, told: bool) -> OutMessage:
    text = fmt("{u} has the ", u=named(member)) + lit(f"{WHAT[slot]} on {day}")
    text = text + (fmt(": {t}.", t=topic) if topic else lit("."))
    if told:
        text = text + lit(" I've told them.")
    return reply(text, f"{slot}.saved")


def topic_saved(slot: str, day: date, topic: str) -> OutMessage:
    return reply(fmt(f"Saved: your {WHAT[slot]} on {day} is “{{t}}”.", t=topic), f"{slot}.topic")


def given(slot: str, day: date, at: datetime, tz: str, topic: str | None) -> OutMessage:
    """To the member given a slot by someone else."""
    text = lit(f"You have the {WHAT[slot]} at the meeting on ") + when(at, tz)
    text = text + (fmt(": {t}.", t=topic) if topic else lit("."))
    if not topic:
        text = text + lit(f" Reply with your topic: /rapport {slot} {day} -- <topic>.")
    return notice(text, f"{slot}.given")


def schedule(
    slot: str,
    rows: list[tuple[date, Member | None, str | None, bool]],
    gap: int,
) -> OutMessage:
    """The next meetings and who has the slot (a skipped meeting says so)."""
    items: list[Rich] = []
    for day, member, topic, skipped in rows:
        head = lit(f"{day}: ")
        if skipped:
            items.append(head + lit("no meeting (skipped)"))
        elif member is None:
            items.append(head + lit("open"))
        else:
            items.append(head + _holder(slot, member.user, topic))
    text = lit(f"{WHO[slot]}s, the next {len(rows)} meetings:") if rows else lit("")
    text = text + listing(
        items, sep="\n", head=lit("\n"), again=lit(continued(f"{WHO[slot]}s") + ":\n")
    )
    text = text + lit(
        f"\nFill the open weeks with /rapport {slot}s fill (in roster order; it skips who"
        f" had it in the last {gap} weeks)."
    )
    return reply(text, f"{slot}.list")


def filled(
    slot: str, given_out: list[tuple[date, Member]], still_open: list[date], gap: int
) -> OutMessage:
    if given_out:
        text = lit(f"Filled {len(given_out)} open week{'s' if len(given_out) != 1 else ''}:")
        text = text + listing(
            [lit(f"{d}: ") + fmt("{u}", u=named(m.user)) for d, m in given_out],
            sep="\n",
            head=lit("\n"),
            again=lit(continued("Filled") + ":\n"),
        )
        text = text + lit("\nEach of them has been told.")
    else:
        text = lit("No open week could be filled.")
    if still_open:
        text = text + lit(
            f"\nStill open: {', '.join(str(d) for d in still_open)} — everyone left had the"
            f" {WHAT[slot]} in the last {gap} weeks, is on leave or said they can't come."
        )
    text = text + lit(
        f"\nRoster order, skipping skipped meetings, members on leave, members who said they"
        f" can't come that day and who had it in the last {gap} weeks."
    )
    return reply(text, f"{slot}.filled")


def swap_asked(slot: str, day: date, other: UserRef, told: bool) -> OutMessage:
    text = lit("I've asked ") if told else lit("I'll keep the swap waiting for ")
    text = text + fmt("{u}", u=named(other)) + lit(f" to take your {WHAT[slot]} on {day}.")
    if not told:
        text = text + fmt(
            " They have DMs off: ask them to type /rapport {s} accept {d}.", s=slot, d=str(day)
        )
    else:
        text = text + lit(" It stays yours until they accept.")
    return reply(text, f"{slot}.swap_asked")


def swap_request(slot: str, day: date, holder: UserRef, at: datetime, tz: str) -> OutMessage:
    yes = SwapButton(slot, day, True)
    no = SwapButton(slot, day, False)
    text = fmt("{u} asks you to take their ", u=holder) + lit(f"{WHAT[slot]} at the meeting on ")
    text = text + when(at, tz) + lit(". Will you?")
    return notice(
        text,
        f"{slot}.swap_request",
        actions=(
            Action("Accept", yes.action_id, lit(f"/rapport {slot} accept {day}"), "primary"),
            Action("Decline", no.action_id, lit(f"/rapport {slot} decline {day}")),
        ),
    )


def no_swap(slot: str, day: date) -> OutMessage:
    return error(f"Nobody asked you to take the {WHAT[slot]} on {day}, or it was settled already.")


def swap_self(slot: str) -> OutMessage:
    return error(f"Name another member to take your {WHAT[slot]}.")


def swap_done(slot: str, day: date, holder: UserRef) -> OutMessage:
    return reply(
        lit(f"The {WHAT[slot]} on {day} is yours now; ")
        + fmt("{u} has been told.", u=named(holder)),
        f"{slot}.swap_accepted",
    )


def swap_declined(slot: str, day: date) -> OutMessage:
    return reply(f"Declined: the {WHAT[slot]} on {day} stays with who has it.", f"{slot}.swap_no")


def swap_answered(slot: str, day: date, other: UserRef, accepted: bool) -> OutMessage:
    """To the holder who asked."""
    if accepted:
        text = fmt("{u} took your ", u=other) + lit(f"{WHAT[slot]} on {day}. It's theirs now.")
    else:
        text = fmt("{u} can't take your ", u=other) + lit(
            f"{WHAT[slot]} on {day}; it's still yours. Try someone else with"
            f" /rapport {slot} swap {day} @member."
        )
    return notice(text, f"{slot}.swap_answer")


# --- scheduled DMs ---------------------------------------------------------------------------
def week_before(slot: str, day: date, at: datetime, tz: str, topic: str | None) -> OutMessage:
    text = lit(f"A week to go: you have the {WHAT[slot]} at the meeting on ") + when(at, tz)
    if topic:
        text = text + fmt(": {t}.", t=topic)
    else:
        text = text + lit(f". Reply with your topic: /rapport {slot} {day} -- <topic>.")
    text = text + lit(f" Can't make it? /rapport {slot} swap {day} @member.")
    return notice(text, f"{slot}.week_before")


def day_before(slot: str, day: date, at: datetime, tz: str, topic: str | None) -> OutMessage:
    text = lit(f"Tomorrow you have the {WHAT[slot]}: ") + when(at, tz)
    text = text + (fmt(" — {t}.", t=topic) if topic else lit("."))
    return notice(text, f"{slot}.day_before")


def reminder_lines(held: list[tuple[str, UserRef, str | None]]) -> Rich:
    """The meeting reminder's lines naming this week's presenter and educator."""
    text = lit("")
    for slot, member, topic in sorted(held, key=lambda h: SLOTS.index(h[0])):
        text = text + lit(f"\n{WHO[slot]}: ") + _holder(slot, member, topic)
    return text


def gap_saved(slot: str, weeks: int) -> OutMessage:
    return reply(
        f"Saved: /rapport {slot}s fill skips whoever had the {WHAT[slot]} in the last"
        f" {weeks} weeks.",
        f"{slot}.gap",
    )
