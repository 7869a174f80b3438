"""Property tests: names, asks, needs and visitors of any length and script (CJK, Cyrillic,
Arabic, emoji sequences, `&<>` and markup characters) always render inside Slack's and
Discord's limits (tests/limits.py), never split a mention or a link, and the parts together
still carry every item the core listed.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adapters.discord import render as discord_render
from adapters.slack import blocks as slack_blocks
from adapters.slack.mrkdwn import link as slack_link
from adapters.slack.mrkdwn import mention as slack_mention
from adapters.slack.mrkdwn import to_mrkdwn
from bot import messages
from bot.features.attendance import messages as attendance_messages
from bot.features.referrals import messages as referrals_messages
from bot.grammar import MAX_CLASSIFICATION, MAX_NAME, MAX_TEXT
from bot.model import Group, Kind, Meeting, Member, Referral, Stats, Status, UserRef
from bot.out import OutMessage
from bot.text import Rich, UserText
from tests import limits

CHECKS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# pieces of text as people type them: graphemes of many scripts, and what platforms escape
PIECES = [
    *"abcdefghij XYZ ", *"&<>*_~`|#@.:-", *"Жизнь прекрасна", *"漢字中文字", *"مرحبا", "é",
    "😀", "👨\u200d👩\u200d👧", "🇿🇦", "👍🏽", "\u202e", "  ",
]  # fmt: skip
STYLES = {
    "mixed": PIECES,
    "ampersands": ["&", "& ", "&&&"],  # five characters each once Slack escapes them
    "markup": ["*", "_", "~", "`", "|", " ", "1. "],  # escaped with a backslash on Discord
    "cjk": list("漢字中文字世界人们"),  # no spaces: one long word
    "cyrillic": list("Жизнь прекрасна "),
    "emoji": ["😀", "👨\u200d👩\u200d👧", "🇿🇦", "👍🏽", " "],
}


def _text(rng: random.Random, least: int, most: int) -> str:
    size = most if rng.random() < 0.5 else rng.randint(least, most)
    style = STYLES[rng.choice(sorted(STYLES))]
    out = ""
    while len(out) < size:
        out += rng.choice(style)
    out = " ".join(out[:size].split())
    return out if len(out) >= least else "x" * least


def text(least: int, most: int) -> st.SearchStrategy[str]:
    """Text as the core stores it (clean(): no line breaks, runs of spaces collapsed), in
    one style, often as long as the core allows. Built from one drawn seed: drawing each
    character through Hypothesis would cost seconds an example."""
    return st.integers(0, 2**32).map(lambda seed: _text(random.Random(seed), least, most))


def many(least: int, most: int, count: int) -> st.SearchStrategy[list[str]]:
    """Up to `count` distinct texts (often `count`), each as `text` draws them."""

    def build(seed: int) -> list[str]:
        rng = random.Random(seed)
        n = count if rng.random() < 0.5 else rng.randint(1, count)
        out: dict[str, None] = {}
        while len(out) < n:
            t = _text(rng, least, most)
            out[t if t not in out else (t + str(len(out)))[-most:]] = None
        return list(out)

    return st.integers(0, 2**32).map(build)


NAMES = text(1, 80)  # a Slack display name is at most 80 characters
GROUP = Group(
    1, "slack", "T1", "C1", "#club", "Breakfast Club", "Africa/Johannesburg", "ZAR",
    Meeting(2, "07:00", "Africa/Johannesburg", "The Oaks"), 0,
)  # fmt: skip
AT = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)


def users(platform: str, names: list[str]) -> list[UserRef]:
    base = 900000000000300000 if platform == "discord" else 0
    ids = [str(base + i) if platform == "discord" else f"U{i:08d}" for i in range(len(names))]
    return [UserRef(platform, "w", uid, n) for uid, n in zip(ids, names, strict=True)]


def member(u: UserRef, i: int, ask: str | None = None) -> Member:
    return Member(i, 1, u, f"Trade {i}", ask, None, None, None, True, False, True, 0)


# --- what each platform receives -----------------------------------------------------------
def slack_payloads(message: OutMessage) -> list[dict[str, Any]]:
    parts = slack_blocks.slack_messages(message)
    return [{"text": p.text, "blocks": p.blocks} for p in parts]


def discord_payloads(message: OutMessage) -> list[dict[str, Any]]:
    out = []
    for p in discord_render.outgoing(message, "900000000000000100"):
        out.append(
            {
                "content": p.content,
                "embeds": [e.to_dict() for e in p.embeds],
                "allowed_mentions": p.allowed_mentions.to_dict(),
            }
        )
    return out


def slack_ok(message: OutMessage) -> list[str]:
    """Every Slack part inside the limits; returns each text element, for finding items."""
    payloads = slack_payloads(message)
    for p in payloads:
        assert limits.slack_problems(p) == [], limits.slack_problems(p)
    return [t for p in payloads for t in limits.slack_texts(p)]


def discord_ok(message: OutMessage) -> list[str]:
    payloads = discord_payloads(message)
    for p in payloads:
        assert limits.discord_problems(p) == [], limits.discord_problems(p)
    return [t for p in payloads for t in limits.discord_texts(p)]


def slack_esc(t: str) -> str:
    """User text as Slack gets it (escaped, markup defused, right-to-left marks closed)."""
    return to_mrkdwn(Rich((UserText(t),)))


def discord_esc(t: str) -> str:
    return discord_render.markdown(Rich((UserText(t),)))


def bare(text: str) -> str:
    """Text without spaces, the closers of right-to-left marks (each piece adds its own) and
    backslashes (a piece that starts with "#" or "-" escapes it, lest it become a heading)."""
    for c in (" ", "\u202c", "\u2069", "\\"):
        text = text.replace(c, "")
    return text


def whole_in(piece: str, elements: list[str]) -> bool:
    """`piece` appears unbroken within one text element."""
    return any(piece in e for e in elements)


# --- the recap, the reminder, attendance ----------------------------------------------------
@CHECKS
@given(
    names=many(1, 80, 150),
    visitors=many(1, MAX_NAME, 40),
)
def test_a_recap_of_any_names_shows_every_giver_thanks_and_visitor(names, visitors):
    for platform in ("slack", "discord"):
        people = users(platform, names)
        recap = messages.weekly_recap(
            GROUP,
            Stats(referrals_given=len(people)),
            [(u, 1, 0) for u in people],
            [(people[i - 1], u) for i, u in enumerate(people)],
            [(v, people[i % len(people)]) for i, v in enumerate(visitors)],
        )
        if platform == "slack":
            shown = slack_ok(recap)
            for u in people:
                assert whole_in(f"{slack_mention(u)} (1 referral)", shown)
            for v in visitors:
                assert whole_in(slack_esc(v) + " (invited by", shown)
        else:
            shown = discord_ok(recap)
            for u in people:
                assert whole_in(f"{discord_render.mention(u)} (1 referral)", shown)
            for v in visitors:
                assert whole_in(discord_esc(v) + " (invited by", shown)
        assert sum(e.count(" thanked ") for e in shown) == len(people)


@CHECKS
@given(
    names=many(1, 80, 8),
    asks=st.lists(text(1, MAX_TEXT), min_size=8, max_size=8),
    seats=many(1, MAX_CLASSIFICATION, 60),
)
def test_a_reminder_shows_each_ask_whole_or_says_where_to_read_it(names, asks, seats):
    for platform in ("slack", "discord"):
        people = [member(u, i, asks[i]) for i, u in enumerate(users(platform, names))]
        lines = [messages.ask_line(m) for m in people]
        reminder = messages.meeting_reminder(GROUP, AT, False, lines, seats, Stats(), "2026-12-02")
        if platform == "slack":
            shown, esc, named = slack_ok(reminder), slack_esc, _slack_named
        else:
            shown, esc, named = discord_ok(reminder), discord_esc, _discord_named
        for m in people:
            line = f"• {named(m.user)} wants: "
            whole = line + esc(m.ask or "")
            pointer = f"… (all of it: /rapport profile {named(m.user)})"
            if whole_in(whole, shown):
                continue
            # shortened on purpose, in one piece: the start of the ask, "…", where to read it
            [element] = [e for e in shown if line in e and pointer in e]
            kept = element.split(line, 1)[1].split(pointer, 1)[0]
            assert bare(kept) and bare(esc(m.ask or "")).startswith(bare(kept)), m.name
        for seat in seats:
            assert whole_in(esc(seat), shown)
        assert whole_in("The last 7 days: 0 referrals", shown)
        assert whole_in("Coming? Let the group know:", shown)


def _slack_named(u: UserRef) -> str:
    return slack_mention(u, ping=False)


def _discord_named(u: UserRef) -> str:
    return discord_render.mention(u)


@CHECKS
@given(names=many(1, 80, 150))
def test_attendance_of_any_names_lists_every_member(names):
    for platform in ("slack", "discord"):
        people = [member(u, i) for i, u in enumerate(users(platform, names))]
        view = attendance_messages.attendance_view("2026-12-02", people, {})
        if platform == "slack":
            shown = slack_ok(view)
            assert all(whole_in(_slack_named(m.user), shown) for m in people)
        else:
            shown = discord_ok(view)
            assert all(whole_in(_discord_named(m.user), shown) for m in people)


# --- long text in a referral: the need, and the introduction link --------------------------
def referral(prospect: str, need: str | None) -> Referral:
    return Referral(
        12, 1, 1, 2, Kind.REFERRAL, prospect, "jane@roe.example", "082 555 1234", need, 3,
        False, Status.OPEN, None, 0, 0, None,
    )  # fmt: skip


@CHECKS
@given(prospect=text(1, MAX_NAME), need=text(1, MAX_TEXT), giver=NAMES)
def test_a_need_of_any_length_arrives_whole_across_fields(prospect, need, giver):
    for platform in ("slack", "discord"):
        [g] = users(platform, [giver])
        dm = referrals_messages.referral_received_dm(referral(prospect, need), g)
        if platform == "slack":
            shown, esc = slack_ok(dm), slack_esc
            values = [e.split("\n", 1)[1] for e in shown if e.startswith(("*Need*", "*Need (c"))]
        else:
            shown, esc = discord_ok(dm), discord_esc
            values = [e.split("\n", 1)[1] for e in shown if e.startswith(("Need\n", "Need (c"))]
        # split only between words (or graphemes, in a word too long for a field); each
        # piece closes the right-to-left marks it leaves open
        assert bare("".join(values)) == bare(esc(need))


TOLD = re.compile(r'You told me what you need: "(.*)", and I\'ve passed that on\.', re.DOTALL)


@CHECKS
@given(
    prospect=text(1, MAX_NAME),
    # short needs (the email carries them whole) as often as long ones (it shortens them)
    need=st.one_of(text(0, 60), text(0, MAX_TEXT)),
    receiver=NAMES,
    giver=NAMES,
)
@example(prospect="Jane Roe", need="a new roof before winter", receiver="Bob", giver="Alice")
@example(prospect="Jane Roe", need="", receiver="Bob", giver="Alice")
@example(prospect="Jane Roe", need="Нужна новая кровля. " * 40, receiver="Bob", giver="Alice")
@example(prospect="J" * MAX_NAME, need="a roof " * 100, receiver="B" * 80, giver="A" * 80)
def test_the_introduction_link_is_always_whole(prospect, need, receiver, giver):
    need = " ".join(need.split())  # as the core stores it
    for platform in ("slack", "discord"):
        [g, rcv] = users(platform, [giver, receiver + " "])
        them = Member(2, 1, rcv, "Plumbing", None, "bob@plumbing.example", None, None, True, False, True, 0)  # fmt: skip
        r = referral(prospect, need or None)
        url, shortened = referrals_messages.introduction_url(r, g, them)
        assert len(url) <= referrals_messages.MAILTO_MAX
        reply = referrals_messages.referral_logged(r, them, g)
        if platform == "slack":
            rendered = slack_link(referrals_messages.introduction_link(r, g, them).parts[0])  # type: ignore[arg-type]
            assert whole_in(rendered, slack_ok(reply))
        else:
            assert whole_in(f"`{url}`", discord_ok(reply))
        body = unquote(url.partition("&body=")[2])
        told = TOLD.search(body)
        assert ("shortens what they need" in reply.fallback()) == shortened
        if not shortened:  # the need, whole, in the email (none, when there is none)
            assert (told.group(1) if told else "") == need
        elif told is not None:  # shortened on purpose: a start of it, "…", and it says so
            kept = told.group(1)
            assert kept.endswith("…") and len(kept) > 1
            assert need.startswith(kept.removesuffix("…"))
            assert body.endswith("\n\n" + referrals_messages.NEED_SHORTENED)
        else:  # names too long for even that: the short greeting, or the subject alone
            assert body in ("", f"Hi both,\n\nI'd like to introduce you two.\n\n{giver}")
