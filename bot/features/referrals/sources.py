"""Where a referral came from (seed 002's sources of referrals): `source:client` on /referral.

The giver may say where they found it; the receiver sees it, and the stats and the export
count referrals by it, so a group sees which of its sources pay.
"""

from __future__ import annotations

import re

SOURCES: dict[str, str] = {
    "client": "a client",
    "contact-sphere": "their contact sphere",
    "power-team": "their power team",
    "business": "someone they do business with",
    "social": "a business or social group",
    "staff": "a staff member",
    "friend": "a friend or family",
    "other": "somewhere else",
}
# how people also write them
ALIASES = {
    "clients": "client",
    "customer": "client",
    "contactsphere": "contact-sphere",
    "sphere": "contact-sphere",
    "powerteam": "power-team",
    "team": "power-team",
    "friends": "friend",
    "family": "friend",
    "employee": "staff",
}
SOURCE = re.compile(r"(?<!\S)source\s*:\s*(\S*)", re.IGNORECASE)
WORDS = "|".join(SOURCES)


class SourceProblem(ValueError):
    """A `source:` that names none of the sources; the message says which there are."""


def take(text: str) -> tuple[str | None, str]:
    """`source:<word>` anywhere in a referral's line: the source, and the text without it.
    Raises SourceProblem for a word that is not one of the sources, or two sources."""
    found = list(SOURCE.finditer(text))
    if not found:
        return None, text
    if len(found) > 1:
        raise SourceProblem(f"Give the source once, e.g. source:client (one of {WORDS}).")
    m = found[0]
    word = m.group(1).casefold().strip(".,;")
    word = ALIASES.get(word.replace("_", "-"), word.replace("_", "-"))
    if word not in SOURCES:
        typed = m.group(1)[:30]
        said = f"“{typed}” is not a source" if typed else "The source is missing"
        raise SourceProblem(f"{said}: write source: with one of {WORDS}, e.g. source:client.")
    return word, text[: m.start()] + " " + text[m.end() :]


def label(source: str) -> str:
    """How the receiver reads it: "Found through: a client"."""
    return SOURCES.get(source, source)


def counted(by_source: dict[str, int]) -> str:
    """ "client 2, friend 1": the sources in the seed's order, those with none left out."""
    return ", ".join(f"{s} {by_source[s]}" for s in SOURCES if by_source.get(s))
