"""/rapport help as typed, and the Command type it makes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.grammar import clean


@dataclass(frozen=True)
class Help:
    topic: str | None = None


def parse_help(rest: str) -> HelpCommand:
    """`help referral`, `help /referral`, `help rapport admin add` (the help for admin); an
    alias finds its command's help."""
    # the registry is built from the slices, this one included: look it up when asked
    from bot.registry import COMMANDS

    topic = clean(rest).lstrip("/").casefold()
    if topic.startswith("rapport "):
        topic = topic[len("rapport ") :]
    # "help admin add" is the help for admin
    topic = topic.split(" ")[0]
    return Help(COMMANDS.get(topic, topic) or None)


# every Command this slice's parsers make
HelpCommand = Help
