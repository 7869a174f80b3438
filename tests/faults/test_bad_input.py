"""Ten thousand random inputs through every parser and every adapter's translation: typed lines
through the core (4,000); slash-command text through the Slack app's listener (1,700) and the
signed bolt app (300); Slack button and form payloads through the signed app (1,000); Discord
option values (800), renders (800) and slash commands through discord.py (400); console script
lines (1,000). No exception escapes, everything is answered, and a line the grammar refuses is
answered with a usage message: an `error.usage` reply saying how to write it.

Examples are derandomised: CI runs the same 10,000 every time."""

from __future__ import annotations

import io
import itertools
import json
import random
import re
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console.clock import ConsoleClock
from adapters.console.runner import Console, ConsoleMessenger, ConsoleResolver
from adapters.discord import options, render
from adapters.slack.app import SlackBot
from adapters.slack.blocks import SECTION_MAX, TEXT_MAX
from adapters.slack.listeners import FORM_COMMANDS, Listeners
from bot import messages
from bot.app import build
from bot.config import Settings
from bot.grammar import MAX_TEXT, ParseError, clean
from bot.names import plain_typed
from bot.out import OutMessage
from bot.registry import parse
from bot.work import Context
from tests.conftest import Chat
from tests.discord_adapter.conftest import Bot
from tests.discord_adapter.conftest import text as discord_text
from tests.discord_adapter.fake_discord import FakeDiscord
from tests.discord_adapter.payloads import ALICE as D_ALICE
from tests.discord_adapter.payloads import BOB as D_BOB
from tests.discord_adapter.payloads import CAROL as D_CAROL
from tests.discord_adapter.payloads import slash
from tests.fakes import DM, channel, user
from tests.faults import strategies as s
from tests.faults.support import ChannelPosts, discord_problems, slack_problems
from tests.slack.conftest import ALICE, BOB, CAROL, GROUP, Workspace
from tests.slack.fake_slack import TEAM, FakeSlack, dm_channel, person
from tests.slack.payloads import APP_ID, encode_payload, form_values, slash_form, trigger_id

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# the 10,000 examples, split by where they go in
BUDGET = {
    "core": 4000,
    "slack listener": 1700,
    "slack app": 300,
    "slack buttons": 700,
    "slack form": 300,
    "discord options": 800,
    "discord render": 800,
    "discord commands": 400,
    "console": 1000,
}
INTERNAL = messages.internal_error().fallback()
QUOTED = ("live @everyone", "mention <@")


def check_answer(line: str | None, replies: list[OutMessage]) -> None:
    """Answered, never with the apology for a crash; a line the grammar refuses gets a usage
    message naming how to write it; every reply renders within Slack's and Discord's rules."""
    assert replies, f"no answer to {line!r}"
    assert all(isinstance(r, OutMessage) for r in replies)
    shown = "\n".join(r.fallback() for r in replies)
    assert INTERNAL not in shown, f"{line!r} crashed a handler"
    if line is not None:
        try:
            parse(plain_typed(line))  # as the core reads it: control characters as spaces
        except ParseError:
            assert [r.kind for r in replies] == ["error.usage"], (line, shown)
            assert "Usage: /" in shown or "/rapport help" in shown, (line, shown)
    for r in replies:
        assert not slack_problems(r), (line, slack_problems(r))
        problems = discord_problems(r)
        if r.kind == "error.usage":  # quotes the typed word as bot wording: a known bug, see
            problems = [p for p in problems if not p.startswith(QUOTED)]  # test_injection
        assert not problems, (line, problems)


@pytest.fixture
def random_notes(channel_posts: ChannelPosts) -> None:
    """Random notes quote whatever they like, addresses included, and a thanks note is posted
    as its author wrote it: what the bot itself posts is checked by the scenario tests."""
    channel_posts.enabled = False


# --- the core's grammar: 4,000 -------------------------------------------------------------
@settings(FUZZ, max_examples=BUDGET["core"])
@given(
    line=s.TYPED_LINES,
    who=st.sampled_from(["alice", "bob", "carol", "zed"]),
    where=st.sampled_from([channel(), DM, channel("elsewhere")]),
)
async def test_any_typed_line_is_answered_and_a_refusal_says_how_to_write_it(
    random_notes: None, group: Chat, line: str, who: str, where: Any
) -> None:
    replies = await group.core.handle(Context(user(who), where), line)
    check_answer(line, replies)


# --- Slack: slash command text through the real app: 2,000 --------------------------------
OUTSIDER = person("U0ZED", "Zed")


def recording(core: Any) -> list[tuple[object, list[OutMessage]]]:
    """What the core was asked, and answered, behind the adapter."""
    seen: list[tuple[object, list[OutMessage]]] = []
    for name in ("handle", "click"):
        original = getattr(core, name)

        async def wrapped(ctx: Context, what: Any, _original: Any = original) -> list[OutMessage]:
            replies = await _original(ctx, what)
            seen.append((what, replies))
            return replies

        setattr(core, name, wrapped)
    return seen


@pytest.fixture
async def slack_fuzz(
    random_notes: None, slack_group: Workspace, fake_slack: FakeSlack, slack: SlackBot
) -> AsyncIterator[tuple[Workspace, list[tuple[object, list[OutMessage]]]]]:
    fake_slack.users[OUTSIDER["id"]] = OUTSIDER
    await slack_group.type(ALICE, "/referral <@U0BOB|bob> Jane Roe jane@roe.example")
    yield slack_group, recording(slack.core)


def check_slack_answer(posts: list[dict[str, Any]]) -> None:
    for p in posts:
        assert p.get("response_type", "ephemeral") == "ephemeral" or p.get("replace_original")
        assert len(p.get("text", "")) <= TEXT_MAX
        blocks = p.get("blocks") or []
        assert len(blocks) <= 50
        for b in blocks:
            if isinstance(b.get("text"), dict):
                assert len(b["text"]["text"]) <= SECTION_MAX


SLACK_PLACES = [GROUP, (dm_channel("U0BOB"), "directmessage"), ("C0ELSE", "random")]


@settings(FUZZ, max_examples=BUDGET["slack listener"])
@given(
    command=s.SLACK_COMMAND_TEXT,
    who=st.sampled_from([ALICE, BOB, CAROL, OUTSIDER]),
    where=st.sampled_from(SLACK_PLACES),
)
async def test_any_slack_command_text_is_translated_answered_and_explained(
    slack_fuzz: tuple[Workspace, list[Any]],
    slack: SlackBot,
    command: tuple[str, str],
    who: dict[str, Any],
    where: tuple[str, str],
) -> None:
    """The app's own listener, called as bolt calls it (bolt itself is driven below)."""
    _, seen = slack_fuzz
    seen.clear()
    name, text = command
    acks: list[object] = []
    posts: list[dict[str, Any]] = []

    async def ack(*args: object, **kwargs: object) -> None:
        acks.append((args, kwargs))

    async def respond(**message: Any) -> SimpleNamespace:
        posts.append(message)
        return SimpleNamespace(status_code=200, body="ok")

    form = slash_form(
        name, text, user=who, channel_id=where[0], channel_name=where[1],
        response_url="http://127.0.0.1:9/never",
    )  # fmt: skip
    listeners = Listeners(slack.core, slack.directory)
    await listeners.command(ack=ack, command=form, respond=respond, client=slack.client)  # type: ignore[arg-type]
    assert len(acks) == 1
    if (name, text.strip()) in FORM_COMMANDS:
        return  # the form opens instead
    assert posts, f"{name} {text!r} got no answer"
    check_slack_answer(posts)
    [(line, replies)] = seen
    assert isinstance(line, str) and line.startswith(name)
    check_answer(line, replies)


@settings(FUZZ, max_examples=BUDGET["slack app"])
@given(
    command=s.SLACK_COMMAND_TEXT,
    who=st.sampled_from([ALICE, BOB, OUTSIDER]),
    where=st.sampled_from(SLACK_PLACES),
)
async def test_any_slack_command_text_through_the_signed_app_is_acked_and_answered(
    slack_fuzz: tuple[Workspace, list[Any]],
    fake_slack: FakeSlack,
    command: tuple[str, str],
    who: dict[str, Any],
    where: tuple[str, str],
) -> None:
    ws, seen = slack_fuzz
    fake_slack.calls.clear()
    fake_slack.messages.clear()
    seen.clear()
    name, text = command
    result = await ws.type(who, f"{name} {text}", where=where)
    assert result.status == 200
    if fake_slack.calls_to("views.open"):
        return
    assert result.posts, f"{name} {text!r} got no answer"
    check_slack_answer(result.posts)
    [(line, replies)] = seen
    check_answer(line, replies)


# --- Slack: button and form payloads through the real app: 1,000 ---------------------------
_ts = itertools.count(1)


def block_actions(
    ws: Workspace, who: dict[str, Any], action_id: str, where: str, message: dict[str, Any] | None
) -> dict[str, Any]:
    ts = (message or {}).get("ts") or f"1700000001.{next(_ts):06d}"
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": who["id"], "username": who["name"], "name": who["name"], "team_id": TEAM},
        "api_app_id": APP_ID,
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": {"type": "message", "message_ts": ts, "channel_id": where},
        "trigger_id": trigger_id(),
        "team": {"id": TEAM, "domain": "rapport-test"},
        "channel": {"id": where, "name": "directmessage" if where.startswith("D") else "x"},
        "state": {"values": {}},
        "response_url": ws.fake.response_url(f"p{next(_ts)}", message=(where, ts)),
        "actions": [
            {
                "action_id": action_id,
                "block_id": "rapport.actions",
                "text": {"type": "plain_text", "text": "Button"},
                "value": "",
                "type": "button",
                "action_ts": "1700000001.000001",
            }
        ],
    }
    if message is not None:
        payload["message"] = message
    return payload


@settings(FUZZ, max_examples=BUDGET["slack buttons"])
@given(
    action_id=s.ACTION_IDS,
    who=st.sampled_from([ALICE, BOB, CAROL, OUTSIDER]),
    where=st.sampled_from([dm_channel("U0BOB"), GROUP[0], "C0ELSE", "G0PRIVATE"]),
    on_dm=st.booleans(),
    ephemeral=st.booleans(),
)
async def test_any_button_payload_is_answered(
    slack_fuzz: tuple[Workspace, list[Any]],
    fake_slack: FakeSlack,
    action_id: str,
    who: dict[str, Any],
    where: str,
    on_dm: bool,
    ephemeral: bool,
) -> None:
    ws, seen = slack_fuzz
    fake_slack.calls.clear()
    seen.clear()
    dm = next(iter(ws.dms(BOB)), None) if on_dm else None
    payload = block_actions(ws, who, action_id, where, dm)
    payload["container"]["is_ephemeral"] = ephemeral
    response = await ws.dispatch(encode_payload(payload))
    if re.search(".", action_id) is None:
        assert response.status == 404  # no Rapport button has an empty id: bolt has no listener
        return
    assert response.status == 200
    _, replies = seen[-1]  # the click (a click runs its command through handle too)
    check_answer(None, replies)
    answered = [c.args for c in fake_slack.calls if c.method == "response_url"]
    assert answered, action_id
    check_slack_answer(answered)


_views = itertools.count(1)


@settings(FUZZ, max_examples=BUDGET["slack form"])
@given(fields=s.FORMS)
async def test_any_referral_form_is_logged_or_sent_back_with_each_bad_field_named(
    slack_fuzz: tuple[Workspace, list[Any]], fake_slack: FakeSlack, fields: dict[str, Any]
) -> None:
    ws, seen = slack_fuzz
    fake_slack.calls.clear()
    seen.clear()
    opened = await ws.type(ALICE, "/referral")
    values = form_values(**fields)
    response = await ws.submit(ALICE, values, view_id=f"V0FUZZ{next(_views)}")
    assert response.status == 200
    if response.body:
        errors = json.loads(response.body)
        assert errors["response_action"] == "errors"
        names = {"member", "prospect", "email", "phone", "need", "heat", "inside"}
        assert errors["errors"] and set(errors["errors"]) <= names
        assert all(isinstance(v, str) and v for v in errors["errors"].values())
        assert INTERNAL not in str(errors["errors"])
        assert seen == []  # the core was not asked
        return
    [(_, replies)] = seen
    check_answer(None, replies)
    assert fake_slack.responses(opened.key), "the form's answer went nowhere"


# --- Discord: option values, renders and slash commands: 2,000 ----------------------------
@settings(FUZZ, max_examples=BUDGET["discord options"])
@given(
    value=s.OPTION_TEXT,
    kind=st.sampled_from(["text", "amount", "word", "day"]),
)
def test_any_option_value_is_read_by_the_grammars_rules_or_named(
    value: str | None, kind: str
) -> None:
    try:
        if kind == "text":
            got = options.text(value, "note", MAX_TEXT, "The note", "thanks")
            assert got is None or (got == clean(got) and 0 < len(got) <= MAX_TEXT)
        elif kind == "amount":
            # the core reads the amount in the group's currency; the option is passed on
            # cleaned, with a trailing "repeat" or "new" taken apart
            got, _repeat = options.amount(value)
            assert got is None or (got.text == clean(got.text) and got.text)
        elif kind == "word":
            got = options.word(value, "time", "07:00")
            assert got is None or len(got.split()) == 1
        else:
            got = options.day(value, "date")
            assert got is None or isinstance(got, date)
    except options.OptionProblem as e:
        assert e.option and e.problem


@settings(FUZZ, max_examples=BUDGET["discord render"])
@given(message=s.MESSAGES)
def test_any_message_renders_within_discords_and_slacks_limits(message: OutMessage) -> None:
    assert not discord_problems(message), discord_problems(message)
    assert not slack_problems(message), slack_problems(message)
    for part in render.outgoing(message, "900000000000000100"):
        part.send_kwargs()


def discord_command(rng: random.Random) -> tuple[Any, tuple[str, ...], dict[str, Any]]:
    """A slash command with typed option values, as Discord would deliver it."""
    people = [D_ALICE, D_BOB, D_CAROL]
    m = rng.choice(people)
    t, maybe = s.free_text, s.maybe_text
    status = rng.choice(["contacted", "meeting", "won", "lost"])
    path, values = rng.choice(
        [
            (("referral",), {"member": m, "prospect": t(rng), "email": maybe(rng),
                             "phone": maybe(rng), "need": maybe(rng)}),
            (("lead",), {"member": m, "business": t(rng), "details": maybe(rng)}),
            (("referrals", "update"), {"referral": rng.randint(1, 4), "status": status,
                                       "amount": maybe(rng), "note": maybe(rng)}),
            (("thanks",), {"member": m, "amount": maybe(rng), "note": maybe(rng)}),
            (("onetoone",), {"member": m, "note": maybe(rng)}),
            (("rapport", "profile", "ask"), {"text": t(rng)}),
            (("rapport", "profile", "email"), {"address": t(rng)}),
            (("rapport", "profile", "timezone"), {"zone": t(rng)}),
            (("rapport", "profile", "quiet"), {"hours": t(rng)}),
            (("rapport", "meeting", "set"), {"weekday": "wednesday", "time": t(rng),
                                             "timezone": maybe(rng), "where": maybe(rng)}),
            (("rapport", "meeting", "skip"), {"date": t(rng)}),
            (("rapport", "settings", "currency"), {"code": t(rng)}),
            (("rapport", "visitor"), {"name": t(rng)}),
            (("rapport", "rsvp"), {"answer": "attending", "date": maybe(rng)}),
        ]
    )  # fmt: skip
    return rng.choice(people), path, {k: v for k, v in values.items() if v is not None}


@pytest.fixture
async def discord_fuzz(random_notes: None, discord_group: Bot) -> Bot:
    await discord_group.type(
        D_ALICE, "referral", member=D_BOB, prospect="Jane Roe", email="jane@roe.example"
    )
    return discord_group


@settings(FUZZ, max_examples=BUDGET["discord commands"])
@given(command=s.seeded(discord_command))
async def test_any_discord_command_options_are_answered_privately(
    discord_fuzz: Bot,
    discord_api: FakeDiscord,
    command: tuple[Any, tuple[str, ...], dict[str, Any]],
) -> None:
    by, path, values = command
    start = len(discord_api.calls)
    payload = await discord_fuzz.send(slash(by, path[0], *path[1:], **values))
    replies = [discord_text(m) for m in discord_api.private_replies(payload)]
    assert replies, (path, values)
    for reply in replies:
        assert INTERNAL not in reply, (path, values, reply)
        if reply.startswith("**"):  # an option the grammar refused, named
            assert reply.endswith("Nothing was saved."), reply
    for call in discord_api.message_calls(since=start):
        body = call.body.get("data", call.body)
        assert body.get("allowed_mentions", {}).get("parse") == [], call


# --- the console: script lines: 1,000 -------------------------------------------------------
TZ = "Africa/Johannesburg"
START = datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo(TZ))
PREFIXES = re.compile(
    r"^(\[#general\] |\[DM @[A-Za-z0-9._-]+\] |\[@[A-Za-z0-9._-]+ only\] |"
    r"[A-Za-z0-9][A-Za-z0-9._-]*> |-- now |-- line \d+: |  )"
)


@pytest.fixture
async def console(random_notes: None, settings: Settings) -> AsyncIterator[Console]:
    messenger = ConsoleMessenger()
    clock = ConsoleClock(START)
    app = await build(
        settings, messenger=messenger, resolver=ConsoleResolver(), clock=clock, database=":memory:"
    )
    c = Console(app, messenger, clock, TZ, io.StringIO())
    for line in (
        "alice> /rapport setup Breakfast Club",
        "alice> /rapport join Commercial insurance",
        "bob> /rapport join Residential plumbing",
        "alice> /rapport meeting set wednesday 07:00",
        "alice> /referral @bob Jane Roe jane@roe.example -- a geyser heat:4",
    ):
        await c.line(line)
    yield c
    await app.close()


async def said(console: Console, raw: str, number: int = 1) -> list[str]:
    out = console.out
    assert isinstance(out, io.StringIO)
    before = len(out.getvalue())
    await console.line(raw, number)
    return out.getvalue()[before:].split("\n")[:-1]


def console_line(rng: random.Random) -> str:
    """A script line, without line breaks (the file is split there). `:advance` and `:at`
    stay within days, as the console plays every week in between; impossible numbers have
    their own test below."""
    roll = rng.randrange(10)
    if roll < 5:
        who = rng.choice(["alice", "bob", "carol", "zed", "x" * 33, "-bad", "a.b_c-d"])
        line = f"{who}> {s.typed_line(rng)}"
    elif roll == 5:
        line = f":click {s.action_id(rng)}"
    elif roll == 6:
        unit = rng.choice("mmhhd")
        line = f":advance {rng.randint(0, 2 if unit == 'd' else 30)}{unit}"
    elif roll == 7:
        at = datetime(2026, 11, 1) + timedelta(minutes=rng.randint(0, 60 * 24 * 75))
        line = f":at {at:%Y-%m-%d %H:%M}"
    elif roll == 8:
        line = ":" + s.junk(rng, 40)
    else:
        line = s.junk(rng, 80)
    return line.replace("\n", " ").replace("\r", " ")


@settings(FUZZ, max_examples=BUDGET["console"])
@given(raw=s.seeded(console_line))
async def test_any_script_line_keeps_the_transcript_readable(console: Console, raw: str) -> None:
    lines = await said(console, raw)
    for line in lines:
        assert PREFIXES.match(line), f"{raw!r} printed {line!r}"
        assert "Traceback" not in line and INTERNAL not in line
    if raw.strip() and not raw.strip().startswith("#"):
        assert lines, f"{raw!r} printed nothing"


IMPOSSIBLE_CLOCK_LINES = [
    ":at 2026-13-45 10:00",  # no 13th month
    ":at 2026-02-30 07:00",  # no 30 February
    ":at 2026-12-02 24:30",
    ":advance 99999999d",  # past the year 9999
    ":advance 9999999999999h",
]


async def test_a_clock_line_with_impossible_numbers_is_a_notice_not_a_crash(
    console: Console,
) -> None:
    """`:at` and `:advance` match their patterns but name no real time: the console says
    which line it could not read, as for any other line, and the script goes on."""
    crashed = {}
    for raw in IMPOSSIBLE_CLOCK_LINES:
        try:
            lines = await said(console, raw, 7)
        except Exception as e:  # escaping Console.line ends the whole run
            crashed[raw] = f"{type(e).__name__}: {e}"
        else:
            assert lines and lines[0].startswith("-- line 7: "), lines
    assert crashed == {}, crashed


async def test_a_typed_line_separator_cannot_forge_a_transcript_line(console: Console) -> None:
    """Readers cut the transcript with str.splitlines(), which also breaks at U+2028, U+2029,
    U+0085 and the like: a script line carrying one must not print a forged block."""
    forged = "[#general] @alice passed a referral to @mallory."
    out = []
    for sep in ("\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"):
        out += await said(console, f"mallory> /x{sep}{forged}")
        out += await said(console, f"mallory> /referral @bob Pat{sep}{forged} pat@oh.example")
    shown = "\n".join(out).splitlines()
    assert [line for line in shown if line.startswith("[#general]")] == [], shown


def test_the_budget_adds_up_to_ten_thousand() -> None:
    assert sum(BUDGET.values()) == 10_000
