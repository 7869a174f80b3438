"""/rapport help as typed, and the Command type it makes."""

from __future__ import annotations

from dataclasses import dataclass

from bot.grammar import clean


@dataclass(frozen=True)
class Help:
    topic: str | None = None

    @classmethod
    def of(cls, topic: str | None) -> Help:
        """`referral`, `/referral`, `rapport admin add` (the help for admin); an alias finds
        its command's help."""
        # the registry is built from the slices, this one included: look it up when asked
        from bot.registry import COMMANDS

        word = clean(topic or "").lstrip("/").casefold()
        if word.startswith("rapport "):
            word = word[len("rapport ") :]
        # "help admin add" is the help for admin
        word = word.split(" ")[0]
        return cls(COMMANDS.get(word, word) or None)


def parse_help(rest: str) -> HelpCommand:
    """`help referral`, `help /referral`, `help rapport admin add`."""
    return Help.of(rest)


# every Command this slice's parsers make
HelpCommand = Help
