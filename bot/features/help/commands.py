"""/rapport help as typed, and the Command type it makes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Help:
    topic: str | None = None


# every Command this slice's parsers make
HelpCommand = Help
