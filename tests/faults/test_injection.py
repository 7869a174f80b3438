"""Hostile text in every field a person can type, and in display names: @everyone, @here,
<!channel>, roles, forged user mentions, Markdown and mrkdwn tricks, SQL, 10 kB strings,
control characters and right-to-left marks. Stored text is what was typed after the grammar's
documented cleaning (control characters out, whitespace collapsed; format characters such as
right-to-left marks are kept); a display name loses its control characters the same way. Rendered on Slack, Discord and the console, nothing pings but
the members a message names, nothing overflows a platform's limits, and nothing a person typed
can take over the layout of the bot's own words."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from adapters.console import render as console_render
from adapters.discord import render as discord_render
from adapters.slack import mrkdwn
from bot.grammar import MAX_CLASSIFICATION, MAX_NAME, MAX_TEXT, ParseError, clean
from bot.model import UserRef
from bot.names import plain_name, plain_typed
from bot.out import Action, Field, OutMessage
from bot.registry import parse
from bot.service import Core
from bot.text import Mention, Rich, UserText, lit
from bot.work import Context
from tests.conftest import Chat
from tests.fakes import RecordingMessenger, channel, user
from tests.faults.support import discord_problems, open_bidi_scopes, slack_problems

PINGS = {
    "everyone": "@everyone hello",
    "here": "@here and @channel",
    "slack-channel": "<!channel> <!here> <!everyone>",
    "slack-subteam": "<!subteam^S0123ABC|@admins> <!date^1^{date}|now>",
    "slack-user": "<@U0CAROL> <@U0CAROL|carol> <@W0CAROL>",
    "slack-link": "<#C0GROUP|breakfast-club> <https://evil.example|click me> <mailto:a@b.co|x>",
    "discord-role": "<@&900000000000000555> role",
    "discord-user": "<@900000000000001003> <@!900000000000001003>",
    "discord-tags": "<#900000000000000200> <t:1:R> <:blob:123> </rapport help:1>",
}
MARKUP = {
    "mrkdwn": "*bold* _it_ ~strike~ `code` ```block```",
    "markdown": "**bold** __under__ ||spoiler|| [click](https://evil.example)",
    "block-markup": "# Heading",
    "subtext": "-# small print",
    "quote": "> quoted >>> all of it",
    "list": "1. first - second * third",
    "entities": "&amp; &lt;b&gt; a & b < c > d",
}
SQL = {
    "sql-drop": "Robert'); DROP TABLE referrals;--",
    "sql-or": "' OR '1'='1",
    "sql-delete": "1; DELETE FROM members WHERE 1=1;",
    "sql-update": "\"; UPDATE outbox SET state='sent';--",
    "sql-union": "%' UNION SELECT email, phone FROM referrals;--",
    "sql-params": "?1 :name @p $1 %s {0}",
}
HUGE = {
    "10kB": "x" * 10_000,
    "10kB-words": "word " * 2_000,
    "10kB-emoji": "😀" * 2_500,
    "10kB-pings": "<!channel> @everyone " * 500,
}
CONTROL = {
    "tab-newline": "tab\there\nnew line\r\nand cr\r",
    "nul-bell-esc": "nul\x00 bell\x07 esc\x1b[31mred\x1b[0m",
    "c1": "next\x85line csi\x9b31m",
    "separators": "line\u2028sep para\u2029sep",
}
RTL = {
    "rlo": "\u202eeoR enaJ",
    "rle": "\u202bembedded",
    "rli": "\u2067isolated",
    "marks": "\u200fRLM\u200f and LRM\u200e",
    "hebrew": "שלום Jane",
    "arabic": "مرحبا Roe",
    "zero-width": "Ja\u200bne\u2060 Roe\ufeff",
    "nested": "\u2067a\u202eb\u2069 c\u202b",
    "stray-closers": "\u202c\u2069\u202eabc",
    "deep": "\u202b" * 130 + "x",
}
CORPUS = {**PINGS, **MARKUP, **SQL, **HUGE, **CONTROL, **RTL}

# what the grammar treats as free text, where a typed string lands whole (after `--`)
TAILS = {
    "need": MAX_TEXT,
    "details": MAX_TEXT,
    "update note": MAX_TEXT,
    "thanks note": MAX_TEXT,
    "1-2-1 note": MAX_TEXT,
    "ask": MAX_TEXT,
    "visitor": MAX_NAME,
    "place": MAX_NAME * 2,
    "seat": MAX_CLASSIFICATION,
    "group name": MAX_NAME,
    "classification": MAX_CLASSIFICATION,
}
EVIL = "mallory"


async def rows(core: Core, sql: str) -> list[Any]:
    async with core.repo.transaction() as tx:
        return [tuple(r) for r in await tx._all(sql)]  # type: ignore[attr-defined]


async def run_week(core: Core) -> None:
    """The evening reminder, the hour-before one and the recap, as the scheduler runs them."""
    target = core.clock.now() + timedelta(days=3)
    for _ in range(200):
        due = await core.next_due()
        if due is None or due > target:
            break
        core.clock.set(max(due, core.clock.now()))  # type: ignore[attr-defined]
        await core.run_due(core.clock.now())
    core.clock.set(target)  # type: ignore[attr-defined]
    await core.run_due(target)


def stored_as(typed: str, limit: int) -> str | None:
    """What a free-text field keeps of `typed`: the grammar's cleaning, or nothing when the
    cleaned text is over the field's limit (then the command is refused)."""
    c = clean(typed)
    return c if len(c) <= limit else None


def assert_renders_safely(message: OutMessage) -> None:
    assert not slack_problems(message), (message.kind, slack_problems(message))
    assert not discord_problems(message), (message.kind, discord_problems(message))
    if all(u.platform == "console" for u in message.mentions()):  # the console's own names
        block = console_render.message("[#general] ", message)  # are handles: one word each
        assert all(line.startswith("  ") for line in block.split("\n")[1:]), block[:500]


@pytest.mark.parametrize("typed", CORPUS.values(), ids=CORPUS.keys())
async def test_hostile_text_is_stored_as_typed_and_renders_inert_on_every_platform(
    group: Chat, messenger: RecordingMessenger, typed: str
) -> None:
    core = group.core
    seen: list[OutMessage] = []

    async def say(
        handle: str, line: str, actor: UserRef | None = None, where: str = "general"
    ) -> list[OutMessage]:
        ctx = Context(actor or user(handle), channel(where))
        replies = await core.handle(ctx, line)
        seen.extend(replies)
        assert "went wrong" not in "".join(r.fallback() for r in replies), line
        try:
            parse(plain_typed(line))  # as the core reads it: control characters as spaces
        except ParseError:
            assert all(r.kind == "error.usage" for r in replies), (line[:80], replies)
            assert any("Usage:" in r.fallback() or "/rapport help" in r.fallback() for r in replies)
        return replies

    # a member whose display name is the hostile text (Slack and Discord names are the
    # person's own choice); the console's handles cannot carry it, so it is Slack-shaped
    evil = UserRef("test", "w1", EVIL, typed)
    await say(EVIL, "/rapport join Hostile names", evil)
    await say("alice", "/rapport meeting set wed 07:00 -- " + typed)
    await say("alice", "/rapport settings seat add " + typed)
    await say("bob", "/rapport profile ask " + typed)
    await say("alice", f"/referral @bob Jane Roe jane@roe.example 082 555 1234 -- {typed}")
    await say("alice", f"/referral @bob {typed} jane@roe.example")
    await say("carol", f"/lead @bob Acme Roofing -- {typed}")
    await say("bob", f"/referrals update 1 contacted -- {typed}")
    await say("bob", f"/thanks @alice 1 -- {typed}")
    await say("alice", f"/onetoone @carol -- {typed}")
    await say("alice", "/rapport visitor " + typed)
    await say("erin", "/rapport join " + typed)
    await say(EVIL, "/referral @bob Pat Oh pat@oh.example -- from mallory", evil)
    await say(EVIL, "/thanks @alice -- " + typed, evil)
    [pat] = await rows(core, "SELECT id FROM referrals WHERE prospect = 'Pat Oh'")
    await say("bob", f"/referrals update {pat[0]} won")
    await say("dave", "/rapport setup " + typed, where="other")
    for line in ("/referrals", "/rapport profile", "/rapport settings", "/rapport meeting"):
        await say("bob", line)
    await run_week(core)
    await say("bob", "/rapport attendance")
    seen.extend(s.message for s in messenger.sent)

    # what was stored is what was typed, cleaned as the grammar documents
    expected = {k: stored_as(typed, most) for k, most in TAILS.items()}
    jane = await rows(core, "SELECT id, need FROM referrals WHERE prospect = 'Jane Roe'")
    assert [need for _, need in jane] == ([expected["need"]] if expected["need"] else [])
    details = await rows(core, "SELECT need FROM referrals WHERE prospect = 'Acme Roofing'")
    assert details == ([(expected["details"],)] if expected["details"] else [])
    if jane and jane[0][0] == 1:  # "/referrals update 1" and "/thanks @alice 1" were Jane's
        events = await rows(core, "SELECT note FROM referral_events WHERE referral_id = 1")
        assert events == ([(expected["update note"],)] if expected["update note"] else [])
        notes = await rows(core, "SELECT note FROM thanks WHERE referral_id = 1")
        assert notes == ([(expected["thanks note"],)] if expected["thanks note"] else [])
    one_to_ones = await rows(core, "SELECT note FROM one_to_ones")
    assert one_to_ones == ([(expected["1-2-1 note"],)] if expected["1-2-1 note"] else [])
    [(ask,)] = await rows(core, "SELECT ask FROM members WHERE user_id = 'bob'")
    assert ask == expected["ask"]  # None: too long, refused
    seat = await rows(core, "SELECT classification FROM members WHERE user_id = 'erin'")
    assert seat == ([(expected["classification"],)] if expected["classification"] else [])
    visitors = await rows(core, "SELECT name FROM visitors")
    assert visitors == ([(expected["visitor"],)] if expected["visitor"] else [])
    meeting = await rows(
        core, "SELECT meeting_where FROM groups WHERE id = 1 AND meeting_time IS NOT NULL"
    )
    assert meeting == ([(expected["place"],)] if expected["place"] else [])
    seats = await rows(core, "SELECT classification FROM wanted_seats")
    assert seats == ([(expected["seat"],)] if expected["seat"] else [])
    names = await rows(core, "SELECT name FROM groups WHERE id > 1")
    assert names == ([(expected["group name"],)] if expected["group name"] else [])
    prospects = await rows(core, "SELECT prospect FROM referrals WHERE id > 1 AND giver_id = 1")
    if prospects:  # the grammar reads the prospect's name around contact details and heat
        assert prospects == [(parse(f"/referral @bob {typed} jane@roe.example").prospect,)]
    [(display,)] = await rows(core, f"SELECT display_name FROM members WHERE user_id = '{EVIL}'")
    # a platform's display name is kept as the platform gave it, control characters out
    assert display == plain_name(typed)
    if core.repo.dialect.name == "sqlite":  # type: ignore[attr-defined]
        listed = "SELECT name FROM sqlite_master WHERE type='table'"
    else:
        listed = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    tables = {t for (t,) in await rows(core, listed)}
    assert {"referrals", "members", "outbox", "thanks"} <= tables  # no table dropped
    if core.repo.dialect.name == "sqlite":  # type: ignore[attr-defined]
        assert await rows(core, "PRAGMA integrity_check") == [("ok",)]

    # everything anyone saw, on every platform
    assert len(seen) > 25
    for message in seen:
        assert_renders_safely(message)


@pytest.mark.parametrize("typed", SQL.values(), ids=SQL.keys())
async def test_sql_in_a_prospects_name_is_stored_verbatim(group: Chat, typed: str) -> None:
    reply = await group("alice", f"/referral @bob {typed} jane@roe.example -- {typed}")
    assert "Referral #1" in reply
    [row] = await rows(group.core, "SELECT prospect, need FROM referrals")
    assert row == (typed, typed)
    assert await rows(group.core, "SELECT COUNT(*) FROM members") == [(3,)]


REFUSED_QUOTING = [
    "/rapport export @everyone",  # “@everyone” is not a date
    "/referrals update 1 won @here",  # … not an amount
    "/rapport help @everyone",  # there is no command …
    "/@everyone",  # I don't know the command …
    "/rapport meeting set wed @everyone",  # … not a time
    "/rapport profile x<@900000000000001003>",  # I don't know … in /profile
]


async def test_a_refused_line_quotes_what_was_typed_inert(group: Chat) -> None:
    """A usage message names the word that was wrong; on Discord that word must not show as a
    live @everyone, @here, role or member mention (allowed_mentions stops the ping, but the
    reader still sees one), as any other echo of typed text is escaped."""
    live = {}
    for line in REFUSED_QUOTING:
        [reply] = await group.messages("alice", line)
        assert reply.kind in ("error.usage", "error")  # an amount is read by the core
        assert not slack_problems(reply), slack_problems(reply)
        if problems := discord_problems(reply):
            live[line] = ([o.content for o in discord_render.outgoing(reply, "1")], problems)
    assert live == {}, live


# --- one renderer at a time: the bot's words after what a person typed --------------------
BOT_WORDS = " — the bot's own words"


def console_line(text: Rich) -> str:
    return console_render.message("[#general] ", OutMessage(text=text)).splitlines()[0]


RENDERERS = {
    "slack": mrkdwn.to_mrkdwn,
    "discord": discord_render.markdown,
    "console": console_line,
}


@pytest.mark.parametrize("platform", RENDERERS)
def test_right_to_left_text_cannot_reorder_the_bots_words(platform: str) -> None:
    """An embedding, override or isolate a person types (U+202A-U+202E, U+2066-U+2068) must
    be closed where their text ends; left open, it lays out the bot's words after it too."""
    left_open = {}
    for name, typed in RTL.items():
        shown = RENDERERS[platform](Rich(("Referral #1: ", UserText(typed), BOT_WORDS)))
        scopes = open_bidi_scopes(shown[: shown.index(BOT_WORDS)])
        if scopes:
            left_open[name] = scopes
    assert left_open == {}, f"{platform}: typed text leaves bidi scopes open: {left_open}"


def hostile_message(typed: str) -> OutMessage:
    """A message carrying `typed` everywhere the core puts user text or a display name."""
    # display names as long as each platform allows them
    slacker = UserRef("slack", "T0RAPPORT", "U0EVIL", typed[:80])
    discorder = UserRef("discord", "900000000000000100", "900000000000001009", typed[:32])
    text = Rich(
        (
            Mention(slacker),
            " and ",
            Mention(discorder),
            " passed a referral: ",
            UserText(typed),
            ". Named: ",
            Mention(slacker, ping=False),
            ".",
        )
    )
    return OutMessage(
        text=text,
        title=f"New referral from {typed}",
        fields=(
            Field("Prospect", Rich((UserText(typed),))),
            Field("Need", Rich((UserText(typed),))),
        ),
        actions=(Action(f"Thank {typed}", "thank:1", Rich(("/thanks ", Mention(discorder)))),),
        kind="referral.received",
    )


@pytest.mark.parametrize("typed", CORPUS.values(), ids=CORPUS.keys())
def test_hostile_text_and_names_render_inert_and_within_limits(typed: str) -> None:
    for message in (hostile_message(typed), OutMessage(text=lit("Hi ") + Rich((UserText(typed),)))):
        assert_renders_safely(message)
    shown = discord_render.markdown(Rich((UserText(typed),)))
    assert not re.match(r"\s*(#{1,3} |-# |>|\d+\. |[-*] )", shown), shown[:80]
    assert not re.search(r"(?<![\\\u200b])@(everyone|here)", shown)


async def test_a_right_to_left_override_in_a_prospect_stays_inside_it_on_the_console(
    group: Chat, messenger: RecordingMessenger
) -> None:
    """The console transcript: what Alice and Bob read after Alice types a prospect whose
    name starts with U+202E RIGHT-TO-LEFT OVERRIDE."""
    [reply] = await group.messages("alice", "/referral @bob \u202eeoR enaJ jane@roe.example")
    [dm] = [s.message for s in messenger.dms_to("bob")]
    lines = [
        console_render.message("[@alice only] ", reply).splitlines()[0],
        console_render.message("[DM @bob] ", dm).splitlines()[0],
    ]
    stored = (await rows(group.core, "SELECT prospect FROM referrals"))[0][0]
    assert stored == "\u202eeoR enaJ"  # kept, as the grammar keeps every format character
    for line, bot_words in zip(lines, (". I've sent", ". Follow up now"), strict=True):
        assert bot_words in line
        before = line[: line.index(bot_words)]
        assert open_bidi_scopes(before) == [], f"the override runs on over {line!r}"
