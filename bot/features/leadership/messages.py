"""What Rapport says about the leadership team: roles, substitutes, absences and PALMS.

The same helpers and style as bot/messages.py, and the usage lines of `role`, `sub` and
`palms` (bot/usage.py gathers every slice's).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.messages import continued, count, error, group_money, notice, reply
from bot.model import Group, Member, UserRef
from bot.out import OutMessage
from bot.text import Rich, fmt, join, listing, lit, named

if TYPE_CHECKING:
    from bot.features.leadership.roles import Role
    from bot.features.leadership.settings import AbsenceRule

USAGE: dict[str, tuple[str, str, str]] = {
    "role": (
        "role\nrole @member president|vp|secretary|visitor-host|membership|mentor\n"
        "role @member none",
        "role @bob vp",
        "the leadership team; an admin gives a member a role (none takes their roles away)",
    ),
    "sub": (
        "sub [YYYY-MM-DD] <name> [email]",
        "sub {a-week-from-today} Sam Jones sam@jones.example",
        "name who comes to a meeting in your place: it counts as your attendance",
    ),
    "palms": (
        "palms [from YYYY-MM-DD] [to YYYY-MM-DD]",
        "palms {1-january} {today}",
        "the leadership's PALMS report per member, as text and a CSV file"
        " (leadership: admins, president, vp, secretary)",
    ),
}

ROLE_LABEL: dict[str, str] = {
    "president": "president",
    "vp": "vice president",
    "secretary": "secretary-treasurer",
    "visitor-host": "visitor host",
    "membership": "membership committee",
    "mentor": "mentor",
}
# what the bot asks of each role, said when it is given
ROLE_DUTY: dict[str, str] = {
    "president": "runs the meeting and may run /rapport palms",
    "vp": "hears privately when a member reaches the absence limit, and runs /rapport palms",
    "secretary": "keeps the numbers and may run /rapport palms",
    "visitor-host": "hears who comes as a substitute or a visitor",
    "membership": "looks after members' standing and renewals",
    "mentor": "helps new members find their feet",
}


def role_label(role: str) -> str:
    return ROLE_LABEL.get(role, role)


def _roles(roles: list[Role]) -> str:
    return ", ".join(role_label(r) for r in roles)


def _members(members: list[Member]) -> Rich:
    return join([fmt("{u}", u=named(m.user)) for m in members])


def leadership_only(what: str) -> OutMessage:
    return error(
        f"Only the leadership team can {what}: the admins, the president, the vice president"
        " and the secretary-treasurer (/rapport role shows who they are)."
    )


def roles_list(group: Group, team: dict[Role, list[Member]], admins: list[Member]) -> OutMessage:
    lines = []
    for role, members in team.items():
        who = _members(members) if members else lit("nobody yet (the admins are asked)")
        lines.append(lit(f"• {role_label(role)}: ") + who)
    lines.append(lit("Admins: ") + (_members(admins) or lit("none")))
    # a big committee's list is spread over as many messages as the platform needs
    text = fmt("{g}'s leadership team:\n", g=group.name) + listing(
        lines, sep="\n", again=lit(continued("Leadership team") + ":\n")
    )
    return reply(text + lit("\nAn admin gives a role with /rapport role @member vp."), "roles")


def role_given(user: UserRef, role: Role, before: list[Member], now: list[Role]) -> OutMessage:
    text = fmt("{u} is now the group's ", u=named(user)) + lit(
        f"{role_label(role)}: Rapport {ROLE_DUTY.get(role, 'asks them')}."
    )
    if before:
        text = text + lit(" ") + _members(before) + lit(f" no longer is {role_label(role)}.")
    if len(now) > 1:
        text = text + lit(f" Their roles: {_roles(now)}.")
    return reply(text, "role.given")


def role_given_post(by: UserRef, user: UserRef, role: Role, before: list[Member]) -> OutMessage:
    text = fmt("{a} made {u} the group's ", a=named(by), u=user) + lit(f"{role_label(role)}.")
    if before:
        text = text + lit(" Thank you, ") + _members(before) + lit(", for serving.")
    return notice(text, "role.post")


def already_holds(user: UserRef, role: Role) -> OutMessage:
    return reply(
        fmt("{u} is already ", u=named(user)) + lit(f"{role_label(role)}; nothing changed."),
        "role.same",
    )


def no_role_to_take(user: UserRef) -> OutMessage:
    return reply(fmt("{u} holds no role; nothing changed.", u=named(user)), "role.same")


def roles_taken(user: UserRef, taken: list[Role]) -> OutMessage:
    return reply(
        fmt("{u} no longer holds a role (was ", u=named(user)) + lit(f"{_roles(taken)})."),
        "role.taken",
    )


def roles_taken_post(by: UserRef, user: UserRef, taken: list[Role]) -> OutMessage:
    return notice(
        fmt("{a} took {u} off the leadership team (", a=named(by), u=named(user))
        + lit(f"{_roles(taken)}). Thank you for serving."),
        "role.post",
    )


# --- the absence rule ------------------------------------------------------------------------
STATE_WORDS = {
    "absent": "absences",
    "late": "late arrivals",
    "medical": "medical absences",
    "substitute": "substitutes",
}


def absence_rule_words(rule: AbsenceRule) -> str:
    counted = " and ".join(STATE_WORDS[s] for s in rule.states)
    skipped = [STATE_WORDS[s] for s in ("medical", "substitute") if s not in rule.states]
    free = f"; {' and '.join(skipped)} don't count" if skipped else ""
    return f"{rule.count} in {count(rule.months, 'month')} (counting {counted}{free})"


def absence_rule_saved(rule: AbsenceRule, default: bool) -> OutMessage:
    return reply(
        f"Saved: the absence rule is {absence_rule_words(rule)}"
        + (" (the default)" if default else "")
        + f". After {count(rule.count - 1, 'absence')} a member gets a friendly private DM;"
        " at the limit the vice president (or the admins) is told privately.",
        "settings.saved",
    )


def amounts_shown_saved(leadership: bool) -> OutMessage:
    if leadership:
        text = (
            "Saved: the leadership (admins, president, vice president, secretary-treasurer)"
            " now sees each member's closed business in /rapport palms. It stays out of the"
            " channel. /rapport settings amounts private turns it off."
        )
    else:
        text = (
            "Saved: each member's closed business is private again; /rapport palms shows the"
            " group's total, and each member sees their own."
        )
    return reply(text, "settings.saved")


def _days(days: list[str]) -> str:
    return ", ".join(days)


def absence_warning(group: Group, days: list[str], rule: AbsenceRule, drops: str) -> OutMessage:
    """The DM after the absence before the limit: friendly, private, with the way out."""
    return notice(
        fmt("Hi from {g}: we missed you", g=group.name)
        + lit(
            f" on {days[-1]}. That's {count(len(days), 'absence')} in the last"
            f" {count(rule.months, 'month')} ({_days(days)}). The chapter's rule is"
            f" {absence_rule_words(rule)}; at {rule.count} the vice president will have a word."
            f" Your oldest absence, on {days[0]}, drops out on {drops}. Can't make a meeting?"
            " Send a substitute with /rapport sub <date> <name>: it counts as your attendance."
        ),
        "absence.warning",
    )


def absence_limit(group: Group, member: Member, days: list[str], rule: AbsenceRule) -> OutMessage:
    """To the vice president (or the admins), privately: a member reached the limit."""
    return notice(
        fmt("{u} has reached ", u=named(member.user))
        + lit(
            f"{count(len(days), 'absence')} in the last {count(rule.months, 'month')}"
            f" ({_days(days)}): the chapter's rule is {absence_rule_words(rule)}."
            " Time for a friendly word in private. They heard about the rule after their"
            f" {_ordinal(rule.count - 1)} absence."
        ),
        "absence.limit",
    )


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


# --- substitutes -----------------------------------------------------------------------------
def sub_saved(name: str, email: str | None, day: str, told: list[Member]) -> OutMessage:
    text = fmt("Saved: {n}", n=name)
    if email:
        text = text + fmt(" ({e})", e=email)
    text = text + lit(
        f" comes in your place on {day}. A substitute counts as your attendance once the"
        " admin confirms it."
    )
    if told:
        text = text + lit(" Told to welcome them: ") + _members(told) + lit(".")
    return reply(text, "sub.saved")


def sub_already(name: str, day: str) -> OutMessage:
    return reply(
        fmt("{n} is already down as your substitute on ", n=name) + lit(f"{day}; nothing changed."),
        "sub.same",
    )


def sub_for_host(member: Member, name: str, email: str | None, day: str) -> OutMessage:
    """To the visitor host (or the admins), privately: the email stays out of the channel."""
    text = fmt("{u} is sending a substitute on ", u=named(member.user))
    text = text + lit(f"{day}: ") + fmt("{n}", n=name)
    if email:
        text = text + fmt(" ({e})", e=email)
    return notice(text + lit(". Please welcome them at the door."), "sub.host")


def expected_substitutes(members: list[Member], subs: list[tuple[int, str, str | None]]) -> Rich:
    """The reminder's line of substitutes expected: names only (no contact details)."""
    by_id = {m.id: m for m in members}
    items = [
        fmt("{n} for ", n=name) + fmt("{u}", u=named(by_id[m].user))
        for m, name, _ in subs
        if m in by_id
    ]
    if not items:
        return lit("")
    return lit("\n") + listing(
        items, head=lit("Substitutes expected: "), again=lit(continued("Substitutes") + ": ")
    )


# --- the PALMS report ------------------------------------------------------------------------
def palms_report(
    group: Group,
    first: date,
    last: date,
    rows: list[tuple[Member, dict[str, int], int | None]],
    total_cents: int,
    shown: bool,
    paths: tuple[str, ...],
) -> OutMessage:
    lines = []
    for member, counts, cents in rows:
        figures = " · ".join(f"{col} {n}" for col, n in counts.items())
        if cents is not None:
            figures += f" · TYFCB {group_money(cents, group)}"
        lines.append(lit("• ") + fmt("{u}", u=named(member.user)) + lit(f": {figures}"))
    head = lit(f"PALMS {first.isoformat()} to {last.isoformat()}, ") + fmt("{g}", g=group.name)
    head = head + lit(f" ({count(len(rows), 'member')}):\n")
    text = head + listing(lines, sep="\n", again=lit(continued("PALMS") + ":\n"))
    text = text + lit(f"\nClosed business (TYFCB), the group: {group_money(total_cents, group)}.")
    if not shown:
        text = text + lit(
            " Each member's own stays private (you see yours); an admin shows them to the"
            " leadership with /rapport settings amounts leadership."
        )
    text = text + lit(
        "\nP present, A absent, L late, M medical, S substitute; RGI/RGO referrals given inside/"
        "outside the group, RRI/RRO received; V visitors; CEU is not tracked (blank in the file)."
        " The file has the columns of BNI Connect's weekly PALMS report."
    )
    return reply(text, "palms", attachments=paths)
