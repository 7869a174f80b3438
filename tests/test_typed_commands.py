"""A command built from an adapter's typed options (Discord's slash options) is the command the
same values typed as a line make, and a value the grammar refuses is refused with the same
answer on both paths: the command types carry the checks (`SetMeeting.of`, `Thank.of`, …)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import Command
from bot.features.admin.commands import ChangeSetting, WantSeat
from bot.features.meetings.commands import SetMeeting, SkipMeeting
from bot.features.referrals.commands import (
    CorrectAmount,
    EditReferral,
    LogLead,
    Thank,
    UpdateReferral,
    WithdrawReferral,
    referral_from_fields,
)
from bot.features.roster.commands import (
    Join,
    LogOneToOne,
    SetAsk,
    SetEmail,
    SetQuietHours,
    SetTimeZone,
)
from bot.features.visitors.commands import RecordVisitor
from bot.grammar import MAX_TEXT, STATUS_WORDS, Amount, MentionToken, ParseError
from bot.registry import parse
from bot.work import Context
from tests.conftest import Chat
from tests.fakes import channel, user

PROPS = settings(deadline=None, derandomize=True, database=None, max_examples=150)
CORE_PROPS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# words a person types: letters of several scripts, digits, the punctuation of names
WORD = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzÉéñøßЖж李0123456789.,'&!?()"),
    min_size=1,
    max_size=12,
).filter(lambda w: w.casefold() not in ("heat", "inside", "new", "repeat", "sale", "booked"))
PHRASE = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
LONG = st.integers(min_value=MAX_TEXT + 1, max_value=MAX_TEXT + 40).map(lambda n: "x" * n)
NOTE = st.one_of(st.none(), PHRASE, LONG)
BOB = MentionToken("@bob")


def outcome(build: Callable[[], Any]) -> tuple[str, Any]:
    """What a path makes of the values: the command, or the refusal's command and words."""
    try:
        return "ok", build()
    except ParseError as e:
        return "refused", (e.command, e.problem, e.unknown)


def same(line: str, build: Callable[[], Command]) -> None:
    typed, built = outcome(lambda: parse(line)), outcome(build)
    assert built == typed, line


def note(words: str | None) -> str:
    return f" -- {words}" if words else ""


@PROPS
@given(business=PHRASE, details=NOTE)
def test_a_lead_from_options_is_the_lead_typed(business: str, details: str | None) -> None:
    same(f"/lead @bob {business}{note(details)}", lambda: LogLead.of(BOB, business, details))


@PROPS
@given(
    rid=st.integers(min_value=1, max_value=10**12 - 1),
    status=st.sampled_from(["contacted", "meeting", "won", "lost"]),
    amount=st.one_of(st.none(), st.sampled_from(["4800", "R4,800.00", "12 500,00 ZAR", "£75"])),
    repeat=st.booleans(),
    words=NOTE,
)
def test_an_update_from_options_is_the_update_typed(
    rid: int, status: str, amount: str | None, repeat: bool, words: str | None
) -> None:
    if status != "won":
        amount = None  # only won takes an amount in a line (the core says so for options)
    money = f" {amount}{' repeat' if repeat else ''}" if amount else ""
    line = f"/referrals update {rid} {status}{money}{note(words)}"
    same(
        line,
        lambda: UpdateReferral.of(
            rid,
            STATUS_WORDS[status],
            Amount(amount) if amount else None,
            words,
            bool(amount) and repeat,
        ),
    )


@PROPS
@given(
    rid=st.one_of(st.none(), st.integers(min_value=1, max_value=10**12 - 1)),
    amount=st.one_of(
        st.none(),
        st.integers(min_value=1, max_value=10**7).map(lambda n: f"R{n}.00"),
        st.integers(min_value=1, max_value=10**7).map(lambda n: f"{n},50 ZAR"),
    ),
    repeat=st.booleans(),
    words=NOTE,
)
def test_thanks_from_options_is_the_thanks_typed(
    rid: int | None, amount: str | None, repeat: bool, words: str | None
) -> None:
    ref = f" #{rid}" if rid else ""
    money = f" {amount}{' repeat' if repeat else ''}" if amount else ""
    line = f"/thanks @bob{ref}{money}{note(words)}"
    same(
        line,
        lambda: Thank.of(
            BOB, rid, Amount(amount) if amount else None, words, repeat=bool(amount) and repeat
        ),
    )


@PROPS
@given(rid=st.integers(min_value=1, max_value=10**12 - 1), why=NOTE)
def test_a_withdrawal_or_correction_from_options_is_the_one_typed(
    rid: int, why: str | None
) -> None:
    same(f"/referrals withdraw {rid}{note(why)}", lambda: WithdrawReferral.of(rid, why))
    same(
        f"/referrals amount {rid} 4800 repeat{note(why)}",
        lambda: CorrectAmount.of(rid, Amount("4800"), why, True),
    )


@PROPS
@given(words=NOTE, also=st.booleans())
def test_a_one_to_one_from_options_is_the_one_typed(words: str | None, also: bool) -> None:
    others = (MentionToken("@carol"),) if also else ()
    line = f"/onetoone @bob{' @carol' if also else ''}{note(words)}"
    same(line, lambda: LogOneToOne.of(BOB, words, others))


@PROPS
@given(
    rid=st.integers(min_value=1, max_value=10**12 - 1),
    details=st.one_of(st.just(""), PHRASE, st.just("q" * 500)),
    need=NOTE,
    heat=st.one_of(st.none(), st.integers(1, 5)),
    # a line starting with a number (#3, V3) is the text grammar's move of visitor 3
    visitor=st.one_of(PHRASE, st.just("v" * 121)).filter(
        lambda v: not v.split(" ")[0].lstrip("#Vv").isdigit()
    ),
)
def test_an_edit_or_a_visitor_from_options_is_the_one_typed(
    rid: int, details: str, need: str | None, heat: int | None, visitor: str
) -> None:
    line = f"/referrals edit {rid} {details}{note(need)}" + (f" heat:{heat}" if heat else "")
    same(line, lambda: EditReferral.of(rid, details, need, heat))
    same(f"/rapport visitor {visitor}", lambda: RecordVisitor.of(visitor))


DAYS = ["monday", "tue", "Wednesday", "thu", "fri", "sat", "sunday", "mo", "funday", "wed"]
TIMES = st.one_of(
    st.builds(lambda h, m: f"{h}:{m:02d}", st.integers(0, 23), st.integers(0, 59)),
    st.sampled_from(["24:00", "7", "07:60", "7am", "-1:00", "07.00"]),
)
ZONES = [None, "Africa/Johannesburg", "Europe/London", "America/New_York", "Mars/Olympus"]


@PROPS
@given(
    day=st.sampled_from(DAYS),
    time=TIMES,
    zone=st.sampled_from(ZONES),
    where=st.one_of(st.none(), PHRASE, st.just("y" * 241)),
)
def test_a_meeting_set_from_options_is_the_meeting_typed(
    day: str, time: str, zone: str | None, where: str | None
) -> None:
    line = f"/rapport meeting set {day} {time} {zone or ''}".rstrip() + note(where)
    same(line, lambda: SetMeeting.of(day, time, zone, where))


@PROPS
@given(day=st.one_of(st.dates().map(str), st.sampled_from(["2026-13-01", "tomorrow", "1/2/26"])))
def test_a_skipped_date_from_options_is_the_one_typed(day: str) -> None:
    same(f"/rapport meeting skip {day}", lambda: SkipMeeting.of(day))


@PROPS
@given(
    start=TIMES,
    end=TIMES,
    zone=st.sampled_from(["Europe/London", "Asia/Kolkata", "Nowhere/City", "UTC+2"]),
    email=st.sampled_from(["bob@plumbing.example", "bob-at-plumbing", "bob@", "Bob <b@x.io>"]),
    ask=st.one_of(PHRASE, LONG),
)
def test_a_profile_from_options_is_the_profile_typed(
    start: str, end: str, zone: str, email: str, ask: str
) -> None:
    same(f"/rapport profile quiet {start}-{end}", lambda: SetQuietHours.of(f"{start}-{end}"))
    same(f"/rapport profile tz {zone}", lambda: SetTimeZone.of(zone))
    same(f"/rapport profile email {email}", lambda: SetEmail.of(email))
    same(f"/rapport profile ask {ask}", lambda: SetAsk.of(ask))


SETTING_VALUES = st.one_of(
    st.integers(-5, 60).map(str),
    st.integers(0, 50).map(lambda n: f"{n}h"),
    TIMES,
    st.sampled_from(["off", "default", "Off", "ZAR", "usd", "EURO", "en_ZA", "x"]),
)


@PROPS
@given(value=SETTING_VALUES, seat=st.one_of(PHRASE, st.just("z" * 81)), add=st.booleans())
def test_settings_from_options_are_the_settings_typed(value: str, seat: str, add: bool) -> None:
    same(f"/rapport settings reminder evening {value}", lambda: ChangeSetting.evening(value))
    same(f"/rapport settings reminder before {value}", lambda: ChangeSetting.before(value))
    same(f"/rapport settings recap {value}", lambda: ChangeSetting.recap(value))
    same(f"/rapport settings currency {value}", lambda: ChangeSetting.currency(value))
    same(f"/rapport settings locale {value}", lambda: ChangeSetting.locale(value))
    verb = "add" if add else "remove"
    same(f"/rapport settings seat {verb} {seat}", lambda: WantSeat.of(seat, add))
    same(f"/rapport join {seat}", lambda: Join.of(seat))


# --- through the core: the same answer, the same row ----------------------------------------
async def test_a_refused_option_gets_the_answer_the_same_line_gets(group: Chat) -> None:
    ctx = Context(user("alice"), channel())
    for line, build in [
        ("/rapport meeting set wednesday 25:00", lambda: SetMeeting.of("wednesday", "25:00")),
        ("/rapport profile quiet 21:00-21:00", lambda: SetQuietHours.of("21:00-21:00")),
        ("/rapport settings recap 49", lambda: ChangeSetting.recap("49")),
        (f"/thanks @bob -- {'x' * 1001}", lambda: Thank.of(BOB, None, None, "x" * 1001)),
    ]:
        typed = await group.core.handle(ctx, line)
        built = await group.core.handle(ctx, build)
        assert [r.kind for r in built] == ["error.usage"]
        assert built == typed
    # and nothing was stored: no meeting, no quiet hours, no thanks
    assert await _rows(group, "SELECT id FROM thanks") == []
    [row] = await _rows(group, "SELECT meeting_weekday FROM groups")
    assert row["meeting_weekday"] is None


EMAILS = st.one_of(st.none(), st.sampled_from(["jane@roe.example", "j.o@x-y.co.za"]))
PHONES = st.one_of(st.none(), st.sampled_from(["082 555 0134", "+27 82 555 0199", "021 555 0100"]))


@CORE_PROPS
@given(
    name=st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzÉéñ'", min_size=2, max_size=10),
        min_size=1,
        max_size=3,
    ).map(" ".join),
    email=EMAILS,
    phone=PHONES,
    need=st.one_of(st.none(), PHRASE),
    heat=st.one_of(st.none(), st.integers(1, 5)),
)
async def test_a_referral_from_options_is_stored_as_the_referral_typed(
    group: Chat, name: str, email: str | None, phone: str | None, need: str | None, heat: int | None
) -> None:
    """Alice types a referral for Bob and passes the same through the form's fields to Carol:
    the rows hold the same prospect, contact details, need and heat."""
    parts = [name, email or "", phone or ""]
    line = f"/referral @bob {' '.join(p for p in parts if p)}{note(need)}"
    if heat:
        line += f" heat:{heat}"
    ctx = Context(user("alice"), channel())
    await group.core.handle(ctx, line)
    form = referral_from_fields(MentionToken("@carol"), name, email, phone, need, heat)
    await group.core.handle(ctx, form)

    carols, bobs = await _rows(
        group,
        "SELECT kind, prospect, email, phone, need, heat, heat_given, status"
        " FROM referrals ORDER BY id DESC LIMIT 2",
    )
    assert carols == bobs
    assert carols["kind"] == ("referral" if email or phone else "lead")
    # withdrawn, so that the next example's prospect is no duplicate of this one
    for r in await _rows(group, "SELECT id FROM referrals WHERE ended IS NULL"):
        await group("alice", f"/referrals withdraw {r['id']} -- a test example")
    assert await _rows(group, "SELECT id FROM referrals WHERE ended IS NULL") == []


async def _rows(chat: Chat, sql: str) -> list[dict[str, Any]]:
    async with chat.core.repo.transaction() as tx:  # type: ignore[attr-defined]
        return [dict(r) for r in await tx._all(sql)]


@PROPS
@given(since=st.one_of(st.none(), st.dates()), until=st.one_of(st.none(), st.dates()))
def test_a_palms_span_from_options_is_the_span_typed(since: Any, until: Any) -> None:
    from bot.features.leadership.commands import ShowPalms

    if since is None and until is not None:
        return  # a lone "to" date cannot be typed: the line's first date is "from"
    words = " ".join(str(d) for d in (since, until) if d)
    same(f"/rapport palms {words}", lambda: ShowPalms.of(since, until))
