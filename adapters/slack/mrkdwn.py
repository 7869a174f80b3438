"""The core's rich text as Slack mrkdwn, made safe to echo.

Every part is escaped (`&`, `<`, `>`), so text a person typed can never become `<!channel>`,
`<!here>` or a forged `<@U…>` mention; only the core's own `Mention(ping=True)` parts become
real mentions. User text also loses the power to start `*bold*`, `_italics_`, `~strike~` or
`code` at a word boundary, without touching an email's inner underscore.
"""

from __future__ import annotations

import re

from bot.model import UserRef
from bot.text import Link, Mention, Rich, UserText, When, close_bidi, format_when

# Characters that start or end mrkdwn formatting, and a look-alike that does not.
_LOOKALIKE = {"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"}
# Formatting only triggers at a word boundary: at an edge, or beside space or punctuation.
_AT_BOUNDARY = re.compile(r"(?:^|(?<=[\s\W]))[*_~`]|[*_~`](?=$|[\s\W])")


def escape(text: str) -> str:
    """Slack's three control characters, escaped as its docs ask."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def user_text(text: str) -> str:
    """Text a person typed: escaped, and unable to switch formatting on."""
    defused = _AT_BOUNDARY.sub(lambda m: _LOOKALIKE[m.group(0)], text)
    return escape(defused)


def mention(user: UserRef, ping: bool = True) -> str:
    """A real mention for those the core allows to be pinged; otherwise just the name."""
    if ping:
        return f"<@{user.user_id}>"
    return "@" + user_text(user.display_name)


def when(w: When) -> str:
    """A date token: each reader sees the instant in their own time zone; the fallback
    (for clients that cannot localise) is in the zone the core chose."""
    unix = int(w.at.timestamp())
    return f"<!date^{unix}^{{date_short_pretty}} {{time}}|{escape(format_when(w))}>"


def link(k: Link) -> str:
    url = k.url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace("&", "&amp;")
    label = escape(k.label).replace("|", "¦")
    return f"<{url}|{label}>"


def length(text: str) -> int:
    """A length as Slack counts it. Slack does not say how its Block Kit limits count;
    its RTM guidance ("Posting messages", api.slack.com/docs/rate-limits) sizes 4,000
    characters of non-BMP text at 4 bytes each (code points), while its JavaScript tools
    (Block Kit Builder, bolt-js) count String.length (UTF-16 code units, 2 for most
    emoji). UTF-16 units are never fewer than code points, so a text inside this count is
    inside Slack's either way."""
    return len(text.encode("utf-16-le")) // 2


def measure(rich: Rich) -> int:
    """The length of rich text as sent to Slack: escaped (`&amp;` is 5) and in UTF-16 units."""
    return length(to_mrkdwn(rich))


def to_mrkdwn(rich: Rich) -> str:
    """Render rich text for a Block Kit mrkdwn field or a message's `text`."""
    out: list[str] = []
    for part in rich.leaves():
        if isinstance(part, str):
            out.append(escape(part))
        elif isinstance(part, UserText):
            out.append(user_text(close_bidi(part.text)))
        elif isinstance(part, Mention):
            out.append(mention(part.user, part.ping))
        elif isinstance(part, When):
            out.append(when(part))
        else:
            out.append(link(part))
    return "".join(out)
