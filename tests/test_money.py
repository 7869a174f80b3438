"""A group's money, told as chapters in three places: a London chapter counts in pounds, a
Cape Town one in rand, a New York one in dollars; each writes amounts its own way, refuses
an amount in another currency without storing it, and counts new and repeat business
apart. Everything goes through the core's entry point; assertions are on what people see
and what the database holds."""

from __future__ import annotations

import pytest

from bot.config import PrivacySettings, Settings
from bot.service import Core
from tests.conftest import Chat
from tests.fakes import FakeResolver, channel

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

NBSP = "\u00a0"


@pytest.fixture
def place(repo, messenger, clock, tmp_path):
    """`await place("Europe/London")`: a chat whose new groups start in that time zone."""

    def make(tz: str, **more: object) -> Chat:
        settings = Settings(
            timezone=tz, privacy=PrivacySettings(files_dir=str(tmp_path / "files")), **more
        )
        return Chat(Core(repo, messenger, clock, FakeResolver(), settings), channel())

    return make


async def members(chat: Chat) -> str:
    reply = await chat("alice", "/rapport setup Breakfast Club")
    for who, seat in (("alice", "Accounting"), ("bob", "Plumbing"), ("carol", "Roofing")):
        await chat(who, f"/rapport join {seat}")
    await chat("alice", "/referral @bob Jane Roe jane@roe.example -- a new geyser")
    return reply


async def closed(chat: Chat) -> list[dict]:
    async with chat.core.repo.transaction() as tx:
        return [
            dict(r)
            for r in await tx._all(
                "SELECT referral_id, amount_cents, currency, business FROM closed_business"
            )
        ]


# --- the currency comes from the group's place --------------------------------------------------
@pytest.mark.parametrize(
    ("tz", "says", "won", "shown", "cents"),
    [
        (
            "Europe/London",
            "Amounts are in GBP (£), written like £1,500.00",
            "£4,800",
            "£4,800.00",
            480_000,
        ),
        (
            "Africa/Johannesburg",
            f"Amounts are in ZAR (R), written like R1{NBSP}500,00",
            "R 12 500,00",
            f"R12{NBSP}500,00",
            1_250_000,
        ),
        (
            "America/New_York",
            "Amounts are in USD ($), written like $1,500.00",
            "4800",
            "$4,800.00",
            480_000,
        ),
        (
            "Europe/Berlin",
            "Amounts are in EUR (€), written like 1.500,00",
            "12.500,00 €",
            "12.500,00",
            1_250_000,
        ),
    ],
)
async def test_setup_picks_the_zones_currency_says_it_and_amounts_are_shown_its_way(
    place, tz, says, won, shown, cents
):
    chat = place(tz)
    setup = await members(chat)
    assert says in setup
    reply = await chat("bob", f"/referrals update 1 won {won}")
    assert f"Closed business of {shown}" in reply
    assert await closed(chat) == [
        {"referral_id": 1, "amount_cents": cents, "currency": says[15:18], "business": "new"}
    ]
    assert shown in await chat("bob", "/rapport stats")


async def test_setup_currency_option_overrides_the_zone(place):
    chat = place("Africa/Johannesburg")
    reply = await chat("alice", "/rapport setup Euro Club currency:EUR")
    assert "Euro Club is set up" in reply
    assert "Amounts are in EUR (€)" in reply
    async with chat.core.repo.transaction() as tx:
        group = await tx.groups.by_channel(channel())
    assert (group.name, group.currency) == ("Euro Club", "EUR")


async def test_an_unknown_currency_at_setup_is_refused_and_no_group_is_made(place):
    chat = place("Africa/Johannesburg")
    reply = await chat("alice", "/rapport setup Club currency:XYZ")
    assert "“XYZ” is not a currency code I know" in reply
    async with chat.core.repo.transaction() as tx:
        assert await tx.groups.by_channel(channel()) is None


@pytest.mark.parametrize("typed", ["£4,800", "1200 GBP", "$1500", "€20"])
async def test_an_amount_in_another_currency_is_refused_naming_the_groups(place, messenger, typed):
    chat = place("Africa/Johannesburg")
    await members(chat)
    messenger.clear()
    reply = await chat("bob", f"/referrals update 1 won {typed}")
    assert f"“{typed}” is not in this group's currency: amounts here are in ZAR." in reply
    assert await closed(chat) == []
    assert messenger.sent == []  # alice was not told of a win that was not recorded
    assert "open" in await chat("bob", "/referrals")


async def test_a_usd_zone_group_keeps_its_dollars_and_refuses_rand(place):
    chat = place("America/New_York")
    await members(chat)
    assert "“R2000” is not in this group's currency" in await chat(
        "bob", "/referrals update 1 won R2000"
    )
    assert "$2,000.00" in await chat("bob", "/referrals update 1 won $2000")


async def test_a_zone_with_no_country_uses_the_configs_currency_until_the_meeting_names_one(
    place,
):
    chat = place("UTC", currency="USD")
    assert "Amounts are in USD ($)" in await members(chat)
    moved = await chat("alice", "/rapport meeting set wed 07:00 Europe/London")
    assert "Amounts are in GBP (£)" in moved
    assert "£4,800.00" in await chat("bob", "/referrals update 1 won £4,800")
    # once an amount is recorded, moving the meeting leaves the currency alone
    after = await chat("alice", "/rapport meeting set wed 07:00 Europe/Dublin")
    assert after == "Saved; I've told the channel. /rapport meeting ics puts it in your calendar."
    assert "£4,800.00" in await chat("bob", "/rapport stats")


async def test_a_currency_the_admin_chose_does_not_follow_the_zone(place):
    chat = place("UTC")
    await members(chat)
    saved = await chat("alice", "/rapport settings currency EUR")
    assert saved.startswith("Saved. Amounts are in EUR (€)")
    assert "Amounts" not in await chat("alice", "/rapport meeting set wed 07:00 Europe/London")
    assert "Currency: EUR" in await chat("bob", "/rapport settings")
    assert "€" in await chat("bob", "/referrals update 1 won €300")


async def test_only_the_admin_changes_the_currency_and_an_unknown_code_is_named(place):
    chat = place("Europe/London")
    await members(chat)
    assert "Only the group's admin" in await chat("bob", "/rapport settings currency EUR")
    assert "“QQQ” is not a currency code I know" in await chat(
        "alice", "/rapport settings currency QQQ"
    )
    assert "£1.00" in await chat("bob", "/referrals update 1 won £1")


# --- the locale: the group's, the config's, or the zone's ------------------------------------
async def test_the_admin_sets_how_amounts_are_written_and_default_goes_back(place):
    chat = place("Africa/Johannesburg")
    await members(chat)
    assert "R1 500" not in await chat("alice", "/rapport settings locale en_US")
    assert "R1,500.00" in await chat("bob", "/referrals update 1 won R1500")
    assert "R1,500.00" in await chat("bob", "/rapport stats")
    back = await chat("alice", "/rapport settings locale default")
    assert f"R1{NBSP}500,00" in back
    assert f"R1{NBSP}500,00" in await chat("bob", "/rapport stats")
    assert "“xx_QQ” is not a locale I know" in await chat("alice", "/rapport settings locale xx_QQ")


async def test_the_configs_locale_is_a_new_groups_own(place):
    chat = place("Africa/Johannesburg", locale="de_DE")
    assert "Amounts are in ZAR, written like 1.500,00\u00a0ZAR" in await members(chat)


def test_the_config_refuses_an_unknown_locale_or_currency():
    from bot.config import ConfigError, from_dict

    with pytest.raises(ConfigError, match=r"defaults\.locale"):
        from_dict({"defaults": {"locale": "xx_QQ"}})
    with pytest.raises(ConfigError, match=r"defaults\.currency"):
        from_dict({"defaults": {"currency": "QQQ"}})
    assert from_dict({"defaults": {"locale": "en-gb"}}).locale == "en_GB"


# --- new or repeat business --------------------------------------------------------------------
async def test_repeat_business_is_recorded_and_counted_apart(place):
    chat = place("Europe/London")
    await members(chat)
    await chat("alice", "/referral @bob Tom Lee tom@lee.example")
    await chat("bob", "/referrals update 1 won £4,800 repeat")
    await chat("bob", "/referrals update 2 won £1,200")
    assert [r["business"] for r in await closed(chat)] == ["repeat", "new"]
    stats = await chat("bob", "/rapport stats")
    assert "closed business £6,000.00 (£4,800.00 of it repeat)" in stats
    reply = await chat("alice", "/rapport export")
    assert "closed business report" in reply
    [totals] = [
        p for p in (await chat.messages("alice", "/rapport export"))[0].attachments if "totals" in p
    ]
    with open(totals, encoding="utf-8") as f:
        header, row = f.read().splitlines()
    assert header == "month,currency,total,new_business,repeat_business,reports"
    assert row.split(",")[2:] == ["6000.00", "1200.00", "4800.00", "2"]


async def test_thanks_with_a_repeat_amount_records_repeat_business(place):
    chat = place("Europe/London")
    await members(chat)
    assert "£300.00" in await chat("bob", "/thanks @alice £300 repeat -- again!")
    assert [r["business"] for r in await closed(chat)] == ["repeat"]


# --- amounts /thanks reads, and amounts refused with the right reason ----------------------------
@pytest.mark.parametrize(
    ("typed", "business"),
    [("1500 GBP", "new"), ("1500 gbp repeat", "repeat"), ("GBP 1,500.00", "new")],
)
async def test_thanks_reads_a_number_with_its_currency_code_as_money(place, typed, business):
    chat = place("Europe/London")
    await members(chat)
    reply = await chat("bob", f"/thanks @alice {typed}")
    assert "Closed business of £1,500.00 is recorded as B1" in reply
    assert await closed(chat) == [
        {"referral_id": None, "amount_cents": 150_000, "currency": "GBP", "business": business}
    ]


@pytest.mark.parametrize("typed", ["1500 repeat", "1,200", "1 200"])
async def test_thanks_with_a_bare_number_asks_for_its_currency_and_records_nothing(
    place, messenger, typed
):
    chat = place("Europe/London")
    await members(chat)
    messenger.clear()
    reply = await chat("bob", f"/thanks @alice {typed}")
    assert reply.startswith(f"Is “{typed.removesuffix(' repeat')}” an amount? Nothing is posted yet")
    assert "like £1," in reply and "There is no referral" not in reply
    assert await closed(chat) == [] and messenger.sent == []


async def test_the_thanks_example_is_one_every_group_can_type(place):
    chat = place("Europe/London")
    await members(chat)
    await chat("bob", "/referrals update 1 won")
    usage = await chat("bob", "/thanks @alice repeat")
    [example] = [line for line in usage.splitlines() if "Example:" in line]
    typed = example.split("Example: ", 1)[1].replace("#12", "#1")
    assert "R4800" not in typed
    assert "Closed business of £4,800.00 is recorded" in await chat("bob", typed)
    # its amount is neutral: a yen group, whose amounts have no minor unit, reads it too
    yen = place("Asia/Tokyo")
    yen.where = channel("tokyo")
    await yen("alice", "/rapport setup Tokyo Club")
    await yen("alice", "/rapport join Accounting")
    await yen("bob", "/rapport join Plumbing")
    await yen("alice", "/referral @bob Jane Roe jane@roe.example")
    amount = typed.split()[3]
    assert "Closed business of ¥4,800 is recorded" in await yen(
        "bob", f"/referrals update 2 won {amount}"
    )


@pytest.mark.parametrize(
    ("tz", "typed", "said"),
    [
        ("Europe/London", "£4k", "“£4k” is shorthand: write the whole number, like £4,000.00."),
        ("Europe/London", "4.8k", "“4.8k” is shorthand: write the whole number, like £4,800.00."),
        (
            "Europe/London",
            "£99999999999999999999",
            "“£99999999999999999999” is more than I can record (at most £1,000,000,000.00);"
            " check the number. Write it like £1,500.00 or 1500.",
        ),
        ("Europe/London", "£" + "9" * 400, "is more than I can record"),
    ],
)
async def test_an_amount_refused_says_the_real_reason_and_how_to_write_it(
    place, tz, typed, said
):
    chat = place(tz)
    await members(chat)
    reply = await chat("bob", f"/referrals update 1 won {typed}")
    assert said in reply and "currency" not in reply
    assert await closed(chat) == []


@pytest.mark.parametrize("typed", ["Rs 5,000", "Rs. 5,000", "₹5,000", "INR 5,000", "5,000 rs"])
async def test_an_indian_group_writes_rupees_its_usual_ways(place, typed):
    chat = place("Asia/Kolkata")
    assert "Amounts are in INR (₹)" in await members(chat)
    assert "₹5,000.00" in await chat("bob", f"/referrals update 1 won {typed}")
    assert [r["amount_cents"] for r in await closed(chat)] == [500_000]


async def test_an_absurdly_large_amount_is_refused_through_the_core_not_a_crash(place, messenger):
    chat = place("Europe/London")
    await members(chat)
    messenger.clear()
    for line in (
        "/referrals update 1 won £" + "9" * 4000,
        "/thanks @alice #1 £" + "9" * 4000,
        "/thanks @alice " + "9" * 40 + " GBP",
    ):
        reply = await chat("bob", line)
        assert "is more than I can record" in reply, line
        assert "went wrong" not in reply
    assert await closed(chat) == [] and messenger.sent == []


# --- the currency once money is recorded -----------------------------------------------------------
async def test_the_currency_stays_once_amounts_are_recorded_and_nothing_is_relabelled(place):
    chat = place("Europe/London")
    await members(chat)
    await chat("bob", "/referrals update 1 won £4,800")
    await chat("bob", "/thanks @alice £200")
    refused = await chat("alice", "/rapport settings currency JPY")
    assert refused.startswith("2 amounts are recorded in GBP, so the currency stays GBP")
    assert "/referrals amount <id> none -- why" in refused
    assert "£5,000.00" in await chat("bob", "/rapport stats")
    assert "“¥5,000” is not in this group's currency" in await chat(
        "bob", "/referrals amount 1 ¥5,000 -- yen"
    )
    assert [(r["amount_cents"], r["currency"]) for r in await closed(chat)] == [
        (480_000, "GBP"),
        (20_000, "GBP"),
    ]
    # once each is taken out, the currency can change, and the new one is recorded as itself
    await chat("bob", "/referrals amount 1 none -- it was yen")
    await chat("bob", "/referrals amount B2 none -- it was yen")
    assert "Amounts are in JPY (JP¥)" in await chat("alice", "/rapport settings currency JPY")
    assert "JP¥5,000 is recorded" in await chat("bob", "/referrals update 1 won ¥5,000")
    assert [(r["amount_cents"], r["currency"]) for r in await closed(chat)] == [(500_000, "JPY")]
    # the export's totals are in yen, which has no minor unit
    [export] = await chat.messages("alice", "/rapport export")
    [totals] = [p for p in export.attachments if p.endswith("totals.csv")]
    with open(totals, encoding="utf-8") as f:
        assert f.read().splitlines()[1].split(",")[1:4] == ["JPY", "5000", "5000"]


async def test_settings_show_the_locale_and_refuse_a_code_no_country_pays_in(place):
    chat = place("Africa/Johannesburg")
    await members(chat)
    shown = await chat("alice", "/rapport settings")
    assert f"Amounts written: the en_ZA way, like R1{NBSP}500,00 (the time zone's way)" in shown
    assert "locale <name|default>" in shown
    await chat("alice", "/rapport settings locale en_US")
    assert "Amounts written: the en_US way, like ZAR1,500.00\n" in await chat(
        "bob", "/rapport settings"
    )
    for code in ("XXX", "XTS", "XDR"):
        assert f"“{code}” is not a currency code I know" in await chat(
            "alice", f"/rapport settings currency {code}"
        )
    assert "Currency: ZAR" in await chat("bob", "/rapport settings")
