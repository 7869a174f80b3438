"""Usage lines and /rapport help, over every slice's USAGE: each command's usage, example and
what it does, as a refusal shows it (with the problem) and as help lists it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from bot.features.admin import messages as admin_words
from bot.features.attendance import messages as attendance_words
from bot.features.help import messages as help_words
from bot.features.home import messages as home_words
from bot.features.insight import messages as insight_words
from bot.features.leadership import messages as leadership_words
from bot.features.meetings import messages as meetings_words
from bot.features.privacy import messages as privacy_words
from bot.features.referrals import messages as referrals_words
from bot.features.roster import messages as roster_words
from bot.messages import DAY_SOON, TODAY, YEAR_START, reply, slash
from bot.out import OutMessage
from bot.text import fmt, lit

# every command's (usage, example, what it does), from the slices
USAGE: dict[str, tuple[str, str, str]] = {
    **roster_words.USAGE,
    **referrals_words.USAGE,
    **meetings_words.USAGE,
    **insight_words.USAGE,
    **admin_words.USAGE,
    **attendance_words.USAGE,
    **privacy_words.USAGE,
    **help_words.USAGE,
    **home_words.USAGE,
    **leadership_words.USAGE,
}


# --- usage, help, errors -----------------------------------------------------------------
def fill_dates(text: str, today: date | None) -> str:
    """Example dates, from `today` (the clock's): never a date already past."""
    if today is None:
        return (
            text.replace(DAY_SOON, "YYYY-MM-DD")
            .replace(TODAY, "YYYY-MM-DD")
            .replace(YEAR_START, "YYYY-MM-DD")
        )
    return (
        text.replace(DAY_SOON, (today + timedelta(days=7)).isoformat())
        .replace(TODAY, today.isoformat())
        .replace(YEAR_START, today.replace(month=1, day=1).isoformat())
    )


def _prefixed(form: str) -> str:
    """ "referral @member …" → "/referral @member …"; "join …" → "/rapport join …"."""
    head, _, rest = form.partition(" ")
    return f"{slash(head)} {rest}".rstrip()


def _usage_lines(command: str, today: date | None) -> list[str]:
    use, example, _ = USAGE[command]
    forms = [_prefixed(f) for f in use.split("\n")]
    lines = [f"Usage: {forms[0]}"] + [f"       {f}" for f in forms[1:]]
    return [*lines, f"Example: {fill_dates(_prefixed(example), today)}"]


def usage(command: str, problem: str, today: date | None = None) -> OutMessage:
    # a problem may quote what was typed: it is rendered as user text, inert everywhere
    problem = fill_dates(problem, today)
    said = fmt("{p}", p=problem) if problem else lit("")
    if command not in USAGE or command == "help":
        text = said + lit((" " if problem else "") + "Type /rapport help to see every command.")
        return reply(text, "error.usage", refused=True)
    lines = "\n".join(_usage_lines(command, today))
    return reply(
        (said + lit("\n") if problem else lit("")) + lit(lines), "error.usage", refused=True
    )


def unknown_command(word: str, suggestion: str | None) -> OutMessage:
    text = fmt("I don't know the command “{w}”.", w=word[:40])
    if suggestion:
        text = text + lit(f" Did you mean {slash(suggestion)}?")
    return reply(
        text + lit(" Type /rapport help to see every command."), "error.usage", refused=True
    )


def help_all(names: Sequence[str]) -> OutMessage:
    """Every command, in the order `names` lists them (the registry's)."""
    lines = ["Rapport keeps your group's referrals moving. Commands:"]
    for name in names:
        lines.append(f"{slash(name)} — {USAGE[name][2]}")
    lines.append(
        "Every command also works as /rapport <command>. /rapport help <command> shows"
        " its usage and an example."
    )
    return reply("\n".join(lines), "help")


def help_topic(topic: str, today: date | None = None) -> OutMessage:
    if topic not in USAGE:
        return usage("help", f"There is no command “{topic[:40]}”.")
    what = USAGE[topic][2]
    return reply("\n".join([f"{slash(topic)} — {what}", *_usage_lines(topic, today)]), "help")
