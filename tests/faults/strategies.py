"""Random inputs for the fault suite: typed lines built from the grammar's own words with
garbage mixed in, Slack's formatted text, button ids real and forged, option values, and
messages full of hostile text.

Each input is built from one drawn seed by `random.Random`, not drawn piece by piece: drawing
a dozen tokens through Hypothesis costs milliseconds an example, and ten thousand examples
must run in seconds. Hypothesis still drives the seeds (derandomised, so CI sees the same
inputs every run) and reports the failing input; it shrinks the seed rather than the text."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from hypothesis import strategies as st

from bot.grammar import RSVP_WORDS, SNOOZES, STATUS_WORDS
from bot.model import UserRef
from bot.out import Action, Field, OutMessage
from bot.registry import COMMANDS
from bot.text import Link, Mention, Rich, UserText, When

T = TypeVar("T")

SUBWORDS = [
    "update", "snooze", "given", "received", "open", "all", "set", "skip", "ask", "email", "tz",
    "timezone", "quiet", "dm", "suggestions", "on", "off", "contacted", "meeting", "booked",
    "won", "lost", "no", "sale", "nosale", "wed", "wednesday", "thu", "reminder", "evening",
    "before", "recap", "default", "accountability", "currency", "seat", "add", "remove",
    "week", "month", "quarter", "confirm", "present", "absent", "late", "substitute", "sub",
    "attending", "yes", "invited", "by", "contacts", "with-contacts", "everyone", "1h", "1d",
    "3d", "1w", "ZAR", "usd", "Europe/London", "Mars/Base", "UTC", "America/", "heat:5",
    "heat:0", "heat:", "HEAT:3", "inside:yes", "inside:maybe", "--", "—", "–", "-", "#",
]  # fmt: skip
MENTIONS = [
    "@alice", "@bob", "@carol", "@zed", "@", "@@x", "@alice,", "<@U0BOB|bob>", "<@U0BOB>",
    "<@", "<@>", "@everyone", "@here", "<!channel>", "<@&123>",
]  # fmt: skip
IDS = ["1", "2", "3", "#1", "#2", "0", "-1", "01", "999999999999", "1234567890123", "²", "١"]
DATES = [
    "2026-12-02", "2026-12-09", "2026-11-30", "2026-02-30", "9999-12-31", "0001-01-01",
    "2026-1-2", "20261202", "2026-12-02T07:00", "yesterday",
]  # fmt: skip
TIMES = ["07:00", "7:5", "24:00", "23:59", "-1:00", "21:00-07:00", "07:00-07:00", "7", "07:60"]
AMOUNTS = [
    "1500", "1,500.50", "R18,500", "$1500", "R 1 500", "1500 USD", "USD 12", "0", "-5", "0.001",
    "1e999999", "12.", ".5", "1,50", "100000000000000", "99999999999.99", "1 000 000", "€",
    "²", "٣٤", "NaN", "Infinity", "1_000", "0x10",
]  # fmt: skip
PHONES = [
    "082 555 1234", "+27 21 555 0199", "(021) 555-9876", "0825551234", "+1 (555) 123-4567",
    "555-12", "12345678901234567890", "082.555.1234", "+", "0/82/555/1234",
]  # fmt: skip
EMAILS = [
    "jane@roe.example", "a@b.co", "x@y", "@roe.example", "jane@", "jane.roe+tag@mail.roe.example",
    "JANE@ROE.EXAMPLE", "j@r.e", "a@b.co,c@d.co", "jane@roe.example.", "<mailto:a@b.co>",
]  # fmt: skip
HOSTILE = [
    "@everyone", "<!channel>", "<@&900000000000000555>", "<@U0CAROL>", "*bold*", "_it_",
    "`x`", "> q", "# H", "Robert'); DROP TABLE referrals;--", "' OR '1'='1", "\u202eevil",
    "\u2067x", "\x00", "\x1b[31m", "\x85", "\u2028", "\ufeff", "😀",
]  # fmt: skip
GAPS = [" ", " ", " ", "  ", "\t", "\n", "", "\u00a0", "\u3000"]
LONG = ["x" * 1001, "word " * 240, "😀" * 1100, "<!channel> " * 100]
VOCAB = sorted(
    {*COMMANDS, *SUBWORDS, *MENTIONS, *IDS, *DATES, *TIMES, *AMOUNTS, *PHONES, *EMAILS, *HOSTILE}
)

# characters worth trying: printable ASCII, every kind of space and control, the bidi
# controls, zero-width characters, and letters of other scripts (no lone surrogates: no
# platform sends them)
_POOL = (
    [chr(c) for c in range(0x20, 0x7F)] * 4
    + [chr(c) for c in range(0x00, 0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + list("\u00a0\u2028\u2029\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u3000")
    + list("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")
    + list("éßØ½²٣١۳߀ऄ中文日本語한국어שלוםمرحبا😀👍🏽\u0301\u20ac£¥₹")
)


def junk(rng: random.Random, most: int = 12) -> str:
    return "".join(rng.choice(_POOL) for _ in range(rng.randint(0, most)))


def seeded(build: Callable[[random.Random], T]) -> st.SearchStrategy[T]:
    """A strategy whose examples `build` makes from one drawn seed."""
    return st.integers(0, 2**64 - 1).map(lambda seed: build(random.Random(seed)))


def token(rng: random.Random) -> str:
    return junk(rng, 8) if rng.random() < 0.15 else rng.choice(VOCAB)


def body(rng: random.Random, most: int = 12) -> str:
    return "".join(token(rng) + rng.choice(GAPS) for _ in range(rng.randint(0, most)))


def typed_line(rng: random.Random) -> str:
    """A line as a person types it: `/command …` or `/rapport command …`, mostly the
    grammar's words in a random order, sometimes anything at all."""
    roll = rng.random()
    if roll < 0.1:
        return junk(rng, 200)
    head = rng.choice(sorted(COMMANDS)) if rng.random() < 0.85 else junk(rng, 10)
    umbrella = "rapport " if rng.random() < 0.4 else ""
    slash = rng.choice(["/", "/", "/", "", " /"])
    return f"{slash}{umbrella}{head} {body(rng)}"


TYPED_LINES = seeded(typed_line)

# --- Slack: the text of a slash command as Slack formats it ------------------------------
SLACK_TOKENS = [
    "<@U0BOB|bob>", "<@U0CAROL>", "<@W0BOB>", "<@U0NOBODY|ghost>", "<@U0HELPER>", "<@U0GONE>",
    "<!channel>", "<!here|here>", "<!everyone>", "<!subteam^S1|@team>",
    "<!date^1796187600^{date_short}|Wed 2 Dec>", "<#C0GROUP|breakfast-club>", "<#C0GROUP>",
    "<mailto:jane@roe.example|jane@roe.example>", "<tel:+27215550199|021 555 0199>",
    "<https://x.example|x>", "<https://x.example>", "&amp;", "&lt;", "&gt;", "<", ">", "|",
    "&amp;lt;", "<<@U0BOB>>", "<@U0BOB|<b>>",
]  # fmt: skip
SLACK_COMMANDS = ["/referral", "/lead", "/referrals", "/thanks", "/onetoone", "/rapport"]


def slack_command(rng: random.Random) -> tuple[str, str]:
    command = rng.choice(SLACK_COMMANDS)
    words = [
        rng.choice(SLACK_TOKENS) if rng.random() < 0.35 else token(rng)
        for _ in range(rng.randint(0, 12))
    ]
    text = "".join(w + rng.choice(GAPS) for w in words)
    if command == "/rapport" and rng.random() < 0.7:
        text = rng.choice(sorted(COMMANDS)) + " " + text
    elif command != "/rapport" and rng.random() < 0.6:
        text = rng.choice(["<@U0BOB|bob> ", "<@U0CAROL> ", "<@U0ALICE|alice> "]) + text
    return command, text


SLACK_COMMAND_TEXT = seeded(slack_command)


# --- button ids, real and forged ---------------------------------------------------------
def number(rng: random.Random) -> str:
    return rng.choice(IDS) if rng.random() < 0.5 else str(rng.randint(-5, 10**13))


def action_id(rng: random.Random) -> str:
    roll = rng.randrange(8)
    word = junk(rng, 8) if rng.random() < 0.3 else None
    if roll == 0:
        return f"ref:{number(rng)}:{word or rng.choice(sorted(STATUS_WORDS))}"
    if roll == 1:
        return f"ref:{number(rng)}:snooze:{word or rng.choice(sorted(SNOOZES))}"
    if roll == 2:
        return f"rsvp:{rng.choice(DATES)}:{word or rng.choice(sorted(RSVP_WORDS))}"
    if roll == 3:
        return f"thank:{number(rng)}"
    if roll == 4:
        return f"121:{number(rng)}"
    if roll == 5:
        parts = ["ref", "thank", "121", "rsvp", "1", "won", ":", ""]
        return ":".join(rng.choice(parts) for _ in range(rng.randint(0, 6)))
    return junk(rng, 120)


ACTION_IDS = seeded(action_id)

# --- the referral form, and option values Discord passes through ---------------------------
FORM_MEMBERS = [None, "U0BOB", "U0CAROL", "U0ALICE", "U0HELPER", "U0GONE", "U0NOBODY", "W0X"]
HEATS = ["1", "2", "3", "4", "5", "0", "9", "", "x", "3.5"]


def free_text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return junk(rng, 60)
    if roll < 0.55:
        return rng.choice(EMAILS + PHONES + HOSTILE + AMOUNTS + DATES + TIMES)
    if roll < 0.95:
        return body(rng).strip() or "x"
    return rng.choice(LONG)


def maybe_text(rng: random.Random) -> str | None:
    return None if rng.random() < 0.3 else free_text(rng)


def form(rng: random.Random) -> dict[str, object]:
    return {
        "member": rng.choice(FORM_MEMBERS),
        "prospect": maybe_text(rng),
        "email": maybe_text(rng),
        "phone": maybe_text(rng),
        "need": maybe_text(rng),
        "heat": rng.choice(HEATS),
        "inside": rng.random() < 0.3,
    }


FORMS = seeded(form)
OPTION_TEXT = seeded(maybe_text)


# --- messages full of hostile text, for the renderers -------------------------------------
# Built the way the core builds them: bot wording, typed text of any length, display names as
# long as the platforms allow (Discord 32, Slack 80), real action ids and typed commands.
def user(rng: random.Random) -> UserRef:
    platform = rng.choice(["discord", "slack", "console", "test"])
    uid = rng.choice(["900000000000001001", "U0EVIL", "bob", "42"])
    name = rng.choice(HOSTILE) if rng.random() < 0.3 else junk(rng, 32)
    return UserRef(platform, "w1", uid, name)


def typed_text(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return rng.choice([*LONG, "x" * 5000])
    if roll < 0.3:
        return rng.choice(HOSTILE)
    return junk(rng, 120)


def rich(rng: random.Random, most: int = 6) -> Rich:
    parts: list[object] = []
    for _ in range(rng.randint(0, most)):
        roll = rng.randrange(5)
        if roll == 0:
            parts.append(rng.choice(["Referral #1 to ", " passed a referral: ", ". ", "\n"]))
        elif roll == 1:
            parts.append(UserText(typed_text(rng)))
        elif roll == 2:
            parts.append(Mention(user(rng), rng.random() < 0.5))
        elif roll == 3:
            at = rng.choice(
                [datetime(2026, 12, 2, 5, tzinfo=UTC), datetime(1971, 1, 1, tzinfo=UTC)]
            )
            parts.append(When(at, rng.choice(["Africa/Johannesburg", "Asia/Kathmandu"])))
        else:
            parts.append(Link("mailto:" + junk(rng, 60), junk(rng, 30)))
    return Rich(tuple(parts))  # type: ignore[arg-type]


def real_action_id(rng: random.Random) -> str:
    n = rng.randint(1, 10**12)
    return rng.choice(
        [
            f"ref:{n}:{rng.choice(sorted(STATUS_WORDS))}",
            f"ref:{n}:snooze:{rng.choice(sorted(SNOOZES))}",
            f"thank:{n}",
            f"121:{n}",
            f"rsvp:2026-12-02:{rng.choice(sorted(RSVP_WORDS))}",
        ]
    )


def message(rng: random.Random) -> OutMessage:
    title = rng.choice([None, junk(rng, 40), f"New referral from {user(rng).display_name}"])
    return OutMessage(
        text=rich(rng),
        title=title,
        fields=tuple(
            Field(rng.choice(["Prospect", "Email", "Need", "Id"]), rich(rng, 3))
            for _ in range(rng.randint(0, 12))
        ),
        actions=tuple(
            Action(
                junk(rng, 90),
                real_action_id(rng),
                Rich((f"/thanks {rng.choice(IDS)} ", Mention(user(rng)))),
                rng.choice(["default", "primary", "danger"]),
            )
            for _ in range(rng.randint(0, 8))
        ),
        ephemeral=rng.random() < 0.5,
        kind=rng.choice(["referral.received", "error", "help", "recap.weekly"]),
    )


MESSAGES = seeded(message)
