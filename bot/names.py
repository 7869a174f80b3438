"""Names as a platform hands them over (display names, channel names), fit to store and to
show: no control characters. PostgreSQL's text cannot hold a NUL at all, and a bell, an
escape or a line break in a name has no place in a roster."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0 and C1 controls, tabs and line breaks too
SPACES = re.compile(r"\s+")


def plain_name(text: str) -> str:
    """`text` with each control character a space, runs of whitespace one space, trimmed;
    a name without control characters is returned as it is."""
    if text.isprintable() or not CONTROL.search(text):
        return text
    return SPACES.sub(" ", CONTROL.sub(" ", text)).strip()


TYPED_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # the grammar's: tab, newline kept


def plain_typed(line: str) -> str:
    """A typed command line with its control characters (a pasted NUL) as spaces, before it
    is parsed: so none is stored, and none is echoed back in an error either."""
    return TYPED_CONTROL.sub(" ", line) if not line.isprintable() else line
