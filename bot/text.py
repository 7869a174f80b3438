"""Rich text: bot wording mixed with echoed user text, mentions and times.

Each adapter renders these parts its own way (escaping user text on Slack, allowing only
named members on Discord, local times everywhere), so no platform syntax lives in the core.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from json.encoder import encode_basestring as quote  # a str as json.dumps(ensure_ascii=False)
from zoneinfo import ZoneInfo

from bot.model import UserRef


@dataclass(frozen=True)
class UserText:
    """Text a person typed, echoed back. Renderers must neutralise it (no pings, no markup).

    `more`, when set, says where to read all of it (`/rapport profile @bob`): a platform
    that cannot fit it may then shorten it on purpose, ending it with "…" and that pointer,
    rather than spreading one list item over several messages."""

    text: str
    more: Rich | None = None


@dataclass(frozen=True)
class Mention:
    """A member named in a message. With `ping`, the platform notifies them (on Discord only
    these may be pinged); without, they are named but not disturbed (a list of asks)."""

    user: UserRef
    ping: bool = True


@dataclass(frozen=True)
class When:
    """An instant (aware, UTC) shown in each reader's own time where the platform can."""

    at: datetime
    tz: str  # the zone used where the platform cannot localise (console, plain fallback)

    def local(self) -> datetime:
        return self.at.astimezone(ZoneInfo(self.tz))


@dataclass(frozen=True)
class Link:
    """A link with a bot-written label (a ready-to-send introduction's mailto:, say)."""

    url: str
    label: str


@dataclass(frozen=True)
class Listing:
    """A list a platform may spread over several messages, blocks or embeds: each item
    stays whole and in order, `sep` joins them, `head` ("Given by: ") stays with the first
    item, and a message that carries the list on starts with `again` ("Given by
    (continued): ") so it reads on its own."""

    items: tuple[Rich, ...]
    sep: str = ", "
    head: Rich | None = None
    again: Rich | None = None

    def leaves(self) -> Iterator[Leaf]:
        if self.head is not None and self.items:
            yield from self.head.leaves()
        for i, item in enumerate(self.items):
            if i and self.sep:
                yield self.sep
            yield from item.leaves()


Leaf = str | UserText | Mention | When | Link
Part = Leaf | Listing


@dataclass(frozen=True)
class Rich:
    parts: tuple[Part, ...] = ()

    def __add__(self, other: Rich | str) -> Rich:
        if isinstance(other, str):
            other = Rich((other,))
        return Rich(self.parts + other.parts)

    def __radd__(self, other: str) -> Rich:
        return Rich((other,)) + self

    def __bool__(self) -> bool:
        return any(p != "" for p in self.leaves())

    @property
    def json(self) -> str:
        """`rich_to_json(self)` as json.dumps(..., ensure_ascii=False) writes it, made once
        per object: a part many messages share (an ask line in each member's nudge) is
        written out once, not once per message."""
        done: str | None = self.__dict__.get("_json")
        if done is None:
            done = "[" + ", ".join(map(_part_json, self.parts)) + "]"
            self.__dict__["_json"] = done  # not a field: frozen, equality and hash ignore it
        return done

    def leaves(self) -> Iterator[Leaf]:
        """Every part in reading order, with lists laid out as their items and separators."""
        for p in self.parts:
            if isinstance(p, Listing):
                yield from p.leaves()
            else:
                yield p

    def plain(self) -> str:
        """The text as a person reads it with no platform formatting (logs, fallbacks)."""
        return render(
            self,
            text=str,
            user_text=str,
            mention=lambda u: "@" + u.display_name,
            when=format_when,
            link=lambda k: f"{k.label}: {k.url}",
        )

    def mentions(self) -> tuple[UserRef, ...]:
        """Everyone named."""
        seen: dict[UserRef, None] = {}
        for p in self.leaves():
            if isinstance(p, Mention):
                seen.setdefault(p.user)
        return tuple(seen)

    def pings(self) -> tuple[UserRef, ...]:
        """The members this text may notify."""
        seen: dict[UserRef, None] = {}
        for p in self.leaves():
            if isinstance(p, Mention) and p.ping:
                seen.setdefault(p.user)
        return tuple(seen)


def format_when(w: When) -> str:
    return w.local().strftime("%a %-d %b %H:%M")


def render(
    rich: Rich,
    *,
    text: Callable[[str], str],
    user_text: Callable[[str], str],
    mention: Callable[[UserRef], str],
    when: Callable[[When], str],
    link: Callable[[Link], str],
) -> str:
    """Render each part with the platform's own function for it."""
    out: list[str] = []
    for p in rich.leaves():
        if isinstance(p, str):
            out.append(text(p))
        elif isinstance(p, UserText):
            out.append(user_text(p.text))
        elif isinstance(p, Mention):
            out.append(mention(p.user))
        elif isinstance(p, When):
            out.append(when(p))
        else:
            out.append(link(p))
    return "".join(out)


_FIELD = re.compile(r"\{(\w+)\}")


def fmt(template: str, **values: object) -> Rich:
    """Fill a wording template. A plain `str` value is treated as user text (safe by default);
    pass `Rich`, `UserRef`, `When` or numbers for everything else."""
    parts: list[Part] = []
    for text, name in _pieces(template):
        if text:
            parts.append(text)
        if name is not None:
            parts.extend(_as_parts(values[name]))
    return Rich(tuple(parts))


@lru_cache(maxsize=1024)
def _pieces(template: str) -> tuple[tuple[str, str | None], ...]:
    """A template as (text before a field, the field's name), read once per template."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in _FIELD.finditer(template):
        out.append((template[pos : m.start()], m.group(1)))
        pos = m.end()
    if pos < len(template):
        out.append((template[pos:], None))
    return tuple(out)


def _as_parts(v: object) -> Iterable[Part]:
    if isinstance(v, Rich):
        return v.parts
    if isinstance(v, UserRef):
        return (Mention(v),)
    if isinstance(v, UserText | Mention | When | Link | Listing):
        return (v,)
    if isinstance(v, str):
        return (UserText(v),)
    return (str(v),)


_OPENERS = {
    "\u202a": "\u202c",
    "\u202b": "\u202c",
    "\u202d": "\u202c",
    "\u202e": "\u202c",
    "\u2066": "\u2069",
    "\u2067": "\u2069",
    "\u2068": "\u2069",
}
_CLOSERS = {"\u202c", "\u2069"}


def close_bidi(text: str) -> str:
    """Close every bidi embedding, override or isolate a person left open in their text, so
    right-to-left controls they typed cannot reorder the bot's words that follow."""
    stack: list[str] = []
    for ch in text:
        if ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif ch in _CLOSERS and stack and stack[-1] == ch:
            stack.pop()
    return text + "".join(reversed(stack))


def named(user: UserRef) -> Mention:
    """Name a member without notifying them."""
    return Mention(user, ping=False)


def lit(s: str) -> Rich:
    """Bot-authored text."""
    return Rich((s,))


def listing(
    items: Iterable[Rich], sep: str = ", ", head: Rich | None = None, again: Rich | None = None
) -> Rich:
    """A list a platform may spread over several parts (see Listing); nothing when empty."""
    return Rich((Listing(tuple(items), sep, head, again),))


def join(items: Iterable[Rich], sep: str = ", ") -> Rich:
    parts: list[Part] = []
    for i, r in enumerate(items):
        if i:
            parts.append(sep)
        parts.extend(r.parts)
    return Rich(tuple(parts))


def utc(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


# --- JSON round trip, for the outbox ---------------------------------------------------


def rich_to_json(r: Rich) -> list[object]:
    out: list[object] = []
    for p in r.parts:
        if isinstance(p, str):
            out.append(p)
        elif isinstance(p, UserText):
            more = {"more": rich_to_json(p.more)} if p.more is not None else {}
            out.append({"u": p.text, **more})
        elif isinstance(p, Listing):
            head, again = (rich_to_json(x) if x is not None else None for x in (p.head, p.again))
            out.append(
                {
                    "ls": [rich_to_json(i) for i in p.items],
                    "sep": p.sep,
                    "head": head,
                    "again": again,
                }
            )
        elif isinstance(p, Mention):
            u = p.user
            out.append({"m": [u.platform, u.workspace, u.user_id, u.display_name], "p": p.ping})
        elif isinstance(p, When):
            out.append({"t": int(p.at.timestamp()), "tz": p.tz})
        else:
            out.append({"l": [p.url, p.label]})
    return out


def quoted(values: Iterable[str]) -> str:
    """A list of strings as json.dumps(..., ensure_ascii=False) writes it."""
    return "[" + ", ".join(map(quote, values)) + "]"


def _part_json(p: Part) -> str:
    """One part of `rich_to_json(...)` as json.dumps(..., ensure_ascii=False) writes it."""
    if isinstance(p, str):
        return quote(p)
    if isinstance(p, Mention):
        u = p.user
        return (
            f'{{"m": [{quote(u.platform)}, {quote(u.workspace)}, {quote(u.user_id)},'
            f' {quote(u.display_name)}], "p": {"true" if p.ping else "false"}}}'
        )
    if isinstance(p, UserText):
        more = f', "more": {p.more.json}' if p.more is not None else ""
        return f'{{"u": {quote(p.text)}{more}}}'
    if isinstance(p, Listing):
        items = ", ".join([i.json for i in p.items])
        head = p.head.json if p.head is not None else "null"
        again = p.again.json if p.again is not None else "null"
        return f'{{"ls": [{items}], "sep": {quote(p.sep)}, "head": {head}, "again": {again}}}'
    if isinstance(p, When):
        return f'{{"t": {int(p.at.timestamp())}, "tz": {quote(p.tz)}}}'
    return f'{{"l": {quoted((p.url, p.label))}}}'


def rich_from_json(data: list[object]) -> Rich:
    parts: list[Part] = []
    for p in data:
        if isinstance(p, str):
            parts.append(p)
        elif isinstance(p, dict) and "u" in p:
            more = p.get("more")
            parts.append(UserText(p["u"], rich_from_json(more) if more is not None else None))
        elif isinstance(p, dict) and "ls" in p:
            head, again = (rich_from_json(x) if x else None for x in (p["head"], p["again"]))
            parts.append(Listing(tuple(rich_from_json(i) for i in p["ls"]), p["sep"], head, again))
        elif isinstance(p, dict) and "m" in p:
            parts.append(Mention(UserRef(*p["m"]), bool(p.get("p", True))))
        elif isinstance(p, dict) and "t" in p:
            parts.append(When(utc(p["t"]), p["tz"]))
        elif isinstance(p, dict) and "l" in p:
            parts.append(Link(*p["l"]))
        else:
            raise ValueError(f"unknown rich text part: {p!r}")
    return Rich(tuple(parts))
