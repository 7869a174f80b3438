"""Console rendering: the transcript format other tests read.

[#general] text          a channel post
[DM @bob] text           a direct message to bob
[@alice only] text       a reply only alice sees
  continuation lines, fields ("Email: …") and actions
  ("[Contacted] /referrals update 12 contacted · :click ref:12:contacted")
"""

from __future__ import annotations

import re

from bot.out import OutMessage
from bot.text import Rich, close_bidi, format_when, render

INDENT = "  "


def text(r: Rich) -> str:
    return render(
        r,
        text=str,
        user_text=one_line,
        mention=lambda u: "@" + u.display_name,
        when=format_when,
        link=lambda k: f"{k.label}: <{k.url}>",
    )


_LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def one_line(s: str) -> str:
    # user text never starts a new transcript line of its own (any line break a reader's
    # splitlines() honours), and leaves no right-to-left control open
    return close_bidi(_LINE_BREAKS.sub(" ", s))


def message(prefix: str, msg: OutMessage) -> str:
    lines = text(msg.text).split("\n")
    for f in msg.fields:
        lines.append(f"{f.name}: {text(f.value)}")
    for a in msg.actions:
        # the typed command, and the id that presses this button in a script
        lines.append(f"[{a.label}] {text(a.command)} · :click {a.action_id}")
    for path in msg.attachments:
        lines.append(f"File: {path}")
    return "\n".join([prefix + lines[0], *(INDENT + line for line in lines[1:])])
