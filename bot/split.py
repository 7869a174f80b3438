"""Spreading one long text over several parts, for platforms that limit how much one message,
block or embed may hold.

The core builds long lists as `Listing`s and decides how they may be split; each adapter
decides where, by calling `split` with its own count (Discord counts code points, Slack is
counted in UTF-16 units) and its own limits. A text is split where a reader expects it: at a
line break first, then between a list's items, then between words; only a word longer than a
whole part is split, between its characters (whole graphemes). A mention, a time or a link is
never cut. A part that starts inside a list opens with the list's `again` heading, so it reads
on its own. A list item whose user text says where to read all of it (`UserText.more`) is
shortened on purpose when it cannot fit a part alone: "…" and the pointer end it.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import regex

from bot.model import UserRef
from bot.text import Listing, Part, Rich, UserText

log = logging.getLogger(__name__)

Measure = Callable[[Rich], int]

# how good a place to break is: the best one in the second half of a part is taken
GRAPHEME, WORD, ITEM, LINE = 0, 1, 2, 3
ELLIPSIS = "…"

_GAP = regex.compile(r"[ \n]+")
_GRAPHEME = regex.compile(r"\X")


@dataclass
class _Seg:
    """A run of parts never broken inside (unless it cannot fit a part on its own)."""

    parts: list[Part]
    lead: list[Part] = field(default_factory=list)  # joins it to the segment before
    strength: int = WORD  # how good a place to break before it is
    again: Rich | None = None  # opens a part that starts here
    item: bool = False  # a whole list item
    size: int = 0
    lead_size: int = 0
    again_size: int = 0
    pings: frozenset[UserRef] = frozenset()


def split(rich: Rich, most: int, measure: Measure, *, pings: int | None = None) -> list[Rich]:
    """`rich` as consecutive parts, each measuring at most `most` and pinging at most `pings`
    members, which together say everything `rich` says (bar the breaks themselves)."""
    if measure(rich) <= most and (pings is None or len(rich.pings()) <= pings):
        return [rich] if rich else []
    return _Packer(most, measure, pings).pack(_segments(rich.parts))


@dataclass
class Messages:
    """How a platform that shows several parts in one message lays them out (Discord: up to
    ten embeds of 4,096 characters, 6,000 in all): a part measures at most `part`; a message
    holds at most `parts` parts, `total` in all, and pings at most `pings` members; a
    message with less than `least` left is closed rather than carry a sliver of a list."""

    part: int
    total: int
    parts: int = 1
    pings: int | None = None
    least: int = 0
    groups: list[list[Rich]] = field(default_factory=list)
    _size: int = 0
    _pinged: set[UserRef] = field(default_factory=set)

    def room(self) -> tuple[int, int | None]:
        """How much the next part may measure and ping (closing a message that is full)."""
        if (
            self.groups
            and self.groups[-1]
            and (
                len(self.groups[-1]) >= self.parts
                or self.total - self._size < self.least
                or (self.pings is not None and len(self._pinged) >= self.pings)
            )
        ):
            self.next()
        left = None if self.pings is None else self.pings - len(self._pinged)
        return min(self.part, self.total - self._size), left

    def next(self) -> bool:
        """Start a new message; False when the current one holds nothing yet."""
        if not self.groups or not self.groups[-1]:
            return False
        self.groups.append([])
        self._size, self._pinged = 0, set()
        return True

    def add(self, part: Rich, size: int) -> None:
        if not self.groups:
            self.groups.append([])
        self.groups[-1].append(part)
        self._size += size
        self._pinged |= set(part.pings())


def split_messages(rich: Rich, layout: Messages, measure: Measure) -> list[list[Rich]]:
    """`rich` as parts laid out in messages, as `split` cuts it, but each part as large as
    the room its message has left: the fewest messages the layout allows, each part whole
    and in order. A part that would not fit what is left of a message starts the next one
    (it is never shortened or cut for want of that room)."""
    if not rich:
        return []
    _Packer(layout.part, measure, layout.pings, layout).pack(_segments(rich.parts))
    return [group for group in layout.groups if group]


# --- cutting a text into segments ---------------------------------------------------------
class _Builder:
    def __init__(self) -> None:
        self.segs: list[_Seg] = []
        self.parts: list[Part] = []
        self.lead: list[Part] = []
        self.strength = WORD
        self.again: Rich | None = None
        self.item = False

    def gap(self, part: Part, strength: int, again: Rich | None = None) -> None:
        self.flush()
        self.lead.append(part)
        self.strength = max(self.strength, strength)
        self.again = again or self.again

    def add(self, part: Part) -> None:
        if not self.parts:
            self.item = False
        self.parts.append(part)

    def flush(self) -> None:
        if self.parts:
            seg = _Seg(self.parts, self.lead, self.strength, self.again, self.item)
            self.segs.append(seg)
            self.parts, self.lead, self.strength, self.again = [], [], GRAPHEME, None
            self.item = False


def _segments(parts: Iterable[Part]) -> list[_Seg]:
    b = _Builder()
    for p in parts:
        if isinstance(p, Listing):
            for i, item in enumerate(p.items):
                if i and p.sep:
                    strength = LINE if "\n" in p.sep else ITEM
                    b.gap(p.sep, strength, p.again)
                elif i:
                    b.flush()
                    b.strength = ITEM
                # an item is one segment, glued to whatever touches it without a space;
                # the list's heading stays with its first item
                starts = not b.parts
                if i == 0 and p.head is not None:
                    b.parts.extend(p.head.leaves())
                b.parts.extend(item.leaves())
                if starts:
                    b.item = True
        else:
            _words(b, p)
    b.flush()
    return b.segs


def _words(b: _Builder, p: Part) -> None:
    """A part's words become segments; spaces and line breaks between them are gaps."""
    if isinstance(p, str) or (isinstance(p, UserText) and p.more is None):
        text = p if isinstance(p, str) else p.text
        pos = 0
        for m in _GAP.finditer(text):
            if m.start() > pos:
                b.add(_like(p, text[pos : m.start()]))
            b.gap(_like(p, m.group()), LINE if "\n" in m.group() else WORD)
            pos = m.end()
        if pos < len(text):
            b.add(_like(p, text[pos:]))
    else:
        b.add(p)


def _like(p: Part, text: str) -> Part:
    """A piece of `p`'s text, of the same kind (bot text stays bot text, user text user text)."""
    return text if isinstance(p, str) else replace(p, text=text)  # type: ignore[arg-type]


# --- packing segments into parts ------------------------------------------------------------
class _Packer:
    def __init__(
        self, most: int, measure: Measure, pings: int | None, layout: Messages | None = None
    ) -> None:
        self.most = most
        self.measure = measure
        self.pings = pings
        self.layout = layout
        if layout is not None:
            self.most, self.pings = layout.room()

    def size(self, parts: list[Part]) -> int:
        return self.measure(Rich(tuple(parts))) if parts else 0

    def measured(self, seg: _Seg) -> _Seg:
        rich = Rich(tuple(seg.parts))
        seg.size = self.measure(rich)
        seg.lead_size = self.size(seg.lead)
        seg.again_size = self.measure(seg.again) if seg.again is not None else 0
        seg.pings = frozenset(rich.pings())
        return seg

    def ok(self, size: int, pings: frozenset[UserRef]) -> bool:
        return size <= self.most and (self.pings is None or len(pings) <= self.pings)

    def pack(self, segs: list[_Seg]) -> list[Rich]:
        out: list[Rich] = []
        queue = deque(self.measured(s) for s in segs)
        cur: list[_Seg] = []
        size, pinged = 0, frozenset[UserRef]()
        while queue:
            seg = queue.popleft()
            if not cur:
                size, pinged = seg.again_size + seg.size, seg.pings
                if self.ok(size, pinged):
                    cur = [seg]
                    continue
                if self.layout is not None and self.layout.next():
                    # what is left of this message is too little: the next one has room
                    self.most, self.pings = self.layout.room()
                    queue.appendleft(seg)
                    continue
                smaller = self.smaller(seg)
                if smaller is None:  # one mention, time or link: it goes alone
                    log.warning("a part of %s cannot fit in %s; sent alone", seg.size, self.most)
                    out.append(self.emit([seg]))
                    continue
                queue.extendleft(reversed(smaller))
                continue
            grown = size + seg.lead_size + seg.size
            if self.ok(grown, pinged | seg.pings):
                cur.append(seg)
                size, pinged = grown, pinged | seg.pings
                continue
            at = self.best_break([*cur, seg])
            out.append(self.emit(cur[:at]))
            queue.extendleft(reversed([*cur[at:], seg]))
            cur = []
        if cur:
            out.append(self.emit(cur))
        return out

    def emit(self, segs: list[_Seg]) -> Rich:
        """A part made; with a layout, the room the next one has."""
        part = self.join(segs)
        if self.layout is not None:
            self.layout.add(part, self.measure(part))
            self.most, self.pings = self.layout.room()
        return part

    def best_break(self, segs: list[_Seg]) -> int:
        """Where to end this part: the strongest break in its second half, else the last."""
        best, best_strength = len(segs) - 1, -1
        length = segs[0].again_size + segs[0].size
        for j in range(1, len(segs)):
            if length * 2 >= self.most and segs[j].strength >= best_strength:
                best, best_strength = j, segs[j].strength
            length += segs[j].lead_size + segs[j].size
        return best

    def join(self, segs: list[_Seg]) -> Rich:
        parts: list[Part] = list(segs[0].again.parts) if segs[0].again is not None else []
        for i, s in enumerate(segs):
            if i:
                parts.extend(s.lead)
            parts.extend(s.parts)
        return Rich(tuple(parts))

    # --- a segment too big for a part of its own -----------------------------------------
    def smaller(self, seg: _Seg) -> list[_Seg] | None:
        room = self.most - seg.again_size
        if (short := self.shortened(seg, room)) is not None:
            return [short]
        if seg.item:  # spread the item's words, as any text
            pieces = _segments(seg.parts)
            if len(pieces) > 1:
                return self.inherit(seg, pieces)
        if len(seg.parts) > 1:  # glued parts, e.g. a mention and "'s": one at a time
            pieces = [_Seg([p], strength=GRAPHEME) for p in seg.parts]
            return self.inherit(seg, pieces)
        [part] = seg.parts
        if isinstance(part, str | UserText):
            pieces = [_Seg([_like(part, t)], strength=GRAPHEME) for t in self.graphemes(part, room)]
            if len(pieces) > 1:
                return self.inherit(seg, pieces)
        if seg.again is not None:  # even the heading is too much: the segment alone
            return [replace(seg, again=None, again_size=0)]
        return None

    def inherit(self, seg: _Seg, pieces: list[_Seg]) -> list[_Seg]:
        pieces[0].lead, pieces[0].strength, pieces[0].again = seg.lead, seg.strength, seg.again
        for p in pieces[1:]:
            p.strength = min(p.strength, WORD)
        return [self.measured(p) for p in pieces]

    def shortened(self, seg: _Seg, room: int) -> _Seg | None:
        """The segment with its longest pointed user text cut to fit, with "…" and where to
        read the rest; None when it has no such text or even a bare pointer cannot fit."""
        long = [
            (i, p)
            for i, p in enumerate(seg.parts)
            if isinstance(p, UserText) and p.more is not None
        ]
        if not long:
            return None
        i, text = max(long, key=lambda x: len(x[1].text))
        assert text.more is not None
        more = text.more
        graphemes = _GRAPHEME.findall(text.text)

        def parts_with(n: int) -> list[Part]:
            cut = "".join(graphemes[:n])
            if n < len(graphemes):
                cut = _at_word(cut)
            kept: list[Part] = [UserText(cut)] if cut else []
            tail: list[Part] = [ELLIPSIS, *more.parts]
            return [*seg.parts[:i], *kept, *tail, *seg.parts[i + 1 :]]

        lo, hi = 0, len(graphemes) - 1  # the largest n that fits
        if self.size(parts_with(0)) > room:
            return None
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.size(parts_with(mid)) <= room:
                lo = mid
            else:
                hi = mid - 1
        return self.measured(replace(seg, parts=parts_with(lo), item=False))

    def graphemes(self, part: str | UserText, room: int) -> list[str]:
        """A word too long for a part, as pieces that fit, never inside a grapheme."""
        text = part if isinstance(part, str) else part.text
        left = _GRAPHEME.findall(text)
        out: list[str] = []
        while left:
            lo, hi = 1, len(left)
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if self.size([_like(part, "".join(left[:mid]))]) <= room:
                    lo = mid
                else:
                    hi = mid - 1
            out.append("".join(left[:lo]))
            left = left[lo:]
        return out


def _at_word(cut: str) -> str:
    """A cut moved back to the last space, when that keeps most of it."""
    space = cut.rfind(" ")
    return cut[:space].rstrip() if space > len(cut) * 0.6 else cut
