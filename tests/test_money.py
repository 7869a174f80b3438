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
        group = await tx.group_by_channel(channel())
    assert (group.name, group.currency) == ("Euro Club", "EUR")


async def test_an_unknown_currency_at_setup_is_refused_and_no_group_is_made(place):
    chat = place("Africa/Johannesburg")
    reply = await chat("alice", "/rapport setup Club currency:XYZ")
    assert "“XYZ” is not a currency code I know" in reply
    async with chat.core.repo.transaction() as tx:
        assert await tx.group_by_channel(channel()) is None


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
    assert after == "Saved; I've told the channel."
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
