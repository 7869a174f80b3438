"""What running the group says: leaving, the admin's settings, the seats wanted, and their
commands' usage."""

from __future__ import annotations

from bot import money as amounts
from bot.messages import count, group_money, notice, reply
from bot.model import Group, Member, UserRef
from bot.out import Field, OutMessage
from bot.text import fmt, listing, lit

# command → (usage, example, what it does), for /rapport help and every usage reply
USAGE: dict[str, tuple[str, str, str]] = {
    "leave": ("leave", "leave", "leave the group and free your seat"),
    "remove": ("remove @member", "remove @dave", "the admin takes a member off the roster"),
    "settings": (
        "settings\nsettings reminder evening <HH:MM|off|default>"
        "\nsettings reminder before <hours|off|default>\nsettings recap <hours|default>"
        "\nsettings accountability on|off\nsettings currency <code>\nsettings locale <name|default>"
        "\nsettings seat add|remove <classification>",
        "settings seat add Electrician",
        "the admin's reminder times, recap, nudges, currency, how amounts are written, and"
        " the open seats to fill",
    ),
    "admins": ("admins", "admins", "who the group's admins are"),
    "admin": (
        "admin add @member\nadmin remove @member",
        "admin add @bob",
        "an admin makes a member an admin too, or takes it back: hand over before you leave",
    ),
}


def left_post(member: Member, removed_by: UserRef | None) -> OutMessage:
    seat = member.classification or "no"
    if removed_by:
        return notice(
            fmt(
                "{a} removed {u} from the roster; the {c} seat is open.",
                a=removed_by,
                u=member.user,
                c=seat,
            ),
            "leave.post",
        )
    return notice(
        fmt("{u} has left the group; the {c} seat is open.", u=member.user, c=seat), "leave.post"
    )


def settings_view(
    group: Group, evening: str, before: int, recap: int, accountability: bool, seats: list[str]
) -> OutMessage:
    fields = (
        Field("Evening-before reminder", lit(evening or "off")),
        Field("Reminder before the meeting", lit(f"{before} h before" if before else "off")),
        Field("Weekly recap", lit(f"{recap} h after the meeting starts")),
        Field("Accountability nudges", lit("on" if accountability else "off")),
        Field("Currency", lit(group.currency)),
        Field(
            "Amounts written",
            lit(
                f"the {amounts.locale_of(group)} way, like {group_money(150_000, group)}"
                + ("" if group.locale else " (the time zone's way)")
            ),
        ),
        Field(
            "Open seats wanted",
            listing([fmt("{c}", c=c) for c in seats]) if seats else lit("none listed"),
        ),
    )
    return reply(
        fmt(
            "{g}'s settings. Change one with /rapport settings reminder evening <HH:MM|off>,"
            " reminder before <hours|off>, recap <hours>, accountability on|off, currency <code>,"
            " locale <name|default>, seat add|remove <classification>.",
            g=group.name,
        ),
        "settings",
        fields=fields,
        title="Group settings",
    )


def setting_saved(what: str) -> OutMessage:
    return reply(f"Saved: {what}. Upcoming reminders follow the new setting.", "settings.saved")


def setting_words(key: str, value: str | None, default: str) -> str:
    """A setting as the admin would say it, with its unit ("a reminder 2 hours before the
    meeting", "the evening-before reminder at 19:00"). None is the default, `default`."""
    now = default if value is None else value
    said = f"{key} {now}"
    if key == "reminder.evening":
        said = f"the evening-before reminder at {now}" if now else "no evening-before reminder"
    elif key == "reminder.before":
        hours = int(now or 0)
        said = (
            f"a reminder {count(hours, 'hour')} before the meeting"
            if hours
            else "no reminder before the meeting"
        )
    elif key == "recap.after":
        said = f"the weekly recap {count(int(now), 'hour')} after the meeting starts"
    elif key == "nudge.accountability":
        said = f"accountability nudges {now}"
    return said + (" (the default)" if value is None else "")


def seat_wanted(classification: str, wanted: bool, changed: bool) -> OutMessage:
    if not changed:
        return reply(
            fmt(
                "Nothing changed: {c} was " + ("already" if wanted else "not") + " listed.",
                c=classification,
            ),
            "settings.saved",
        )
    if wanted:
        return reply(
            fmt("{c} is listed as an open seat in the meeting reminders.", c=classification),
            "settings.saved",
        )
    return reply(
        fmt("{c} is no longer listed as an open seat.", c=classification), "settings.saved"
    )
