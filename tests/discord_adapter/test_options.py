"""Options Discord sent wrong (missing, of the wrong type, outside the choices) and values the
grammar refuses: the member gets a private answer naming the problem, and nothing is stored."""

from __future__ import annotations

from adapters.discord import wording
from tests.discord_adapter.conftest import rows, text
from tests.discord_adapter.payloads import ALICE, BOB, CAROL, autocomplete, option, slash

EPHEMERAL = 64


async def answers(bot, discord_api, payload) -> list[str]:
    await bot.send(payload)
    replies = discord_api.private_replies(payload)
    assert replies and all(m["flags"] & EPHEMERAL for m in replies)
    return [text(m) for m in replies]


async def test_a_referral_without_its_member_option_is_refused(group, discord_api):
    payload = slash(ALICE, "referral", _raw_options=[option("prospect", "Jane Roe")])
    assert await answers(group, discord_api, payload) == [wording.BAD_OPTIONS]
    assert await rows(group, "SELECT id FROM referrals") == []


async def test_a_member_option_that_is_not_a_member_is_refused(group, discord_api):
    # a USER option whose user Discord did not resolve, and one sent as plain text
    unresolved = slash(
        ALICE,
        "referral",
        _raw_options=[option("member", BOB), option("prospect", "Jane")],
        _resolved={},
    )
    as_text = slash(
        ALICE,
        "referral",
        _raw_options=[{"name": "member", "type": 3, "value": "bob"}, option("prospect", "Jane")],
    )
    assert await answers(group, discord_api, unresolved) == [wording.BAD_OPTIONS]
    assert await answers(group, discord_api, as_text) == [wording.BAD_OPTIONS]
    assert discord_api.dms_to(BOB.id) == []


async def test_a_heat_outside_the_choices_is_refused(group, discord_api):
    payload = slash(ALICE, "referral", member=BOB, prospect="Jane", email="j@roe.example", heat=9)
    assert await answers(group, discord_api, payload) == [wording.BAD_OPTIONS]
    assert await rows(group, "SELECT id FROM referrals") == []


async def test_a_bad_email_option_is_named(group, discord_api):
    payload = slash(ALICE, "referral", member=BOB, prospect="Jane", email="jane-at-roe")
    assert await answers(group, discord_api, payload) == [
        "Please check:\n**Email**: That is not an email address, e.g. jane@example.com.\n"
        "Nothing was saved."
    ]


async def test_an_amount_that_is_not_one_is_named(group, discord_api):
    await group.type(ALICE, "referral", member=BOB, prospect="Jane", email="j@roe.example")
    payload = slash(BOB, "referrals", "update", referral=1, status="won", amount="lots")
    assert await answers(group, discord_api, payload) == [
        "“lots” is not an amount. Write it like R1\u00a0500,00 or 1500."
    ]
    [status] = await rows(group, "SELECT status FROM referrals")
    assert status == {"status": "open"}


async def test_an_amount_echoed_back_is_the_members_text_not_markup_or_mentions(
    group, discord_api
):
    await group.type(ALICE, "referral", member=BOB, prospect="Jane", email="j@roe.example")
    typed = "@everyone <@&123456789012345678> *bold*"
    payload = slash(BOB, "referrals", "update", referral=1, status="won", amount=typed)
    await group.send(payload)
    [reply] = discord_api.private_replies(payload)
    shown = text(reply)
    assert shown.startswith("“") and "is not an amount" in shown
    # escaped as user text: no role chip, no @everyone, no bold
    assert typed not in shown and "<@&123456789012345678>" not in shown
    assert "@everyone" not in shown and " *bold*" not in shown
    assert "\\*bold\\*" in shown
    assert reply.get("allowed_mentions", {}).get("parse", []) == []
    assert await rows(group, "SELECT id FROM closed_business") == []


async def test_won_with_an_amount_goes_through_the_grammar(group, discord_api):
    await group.type(ALICE, "referral", member=BOB, prospect="Jane", email="j@roe.example")
    [done, *_] = await group.type(
        BOB, "referrals", "update", referral=1, status="won", amount="R18,500", note="two geysers"
    )
    assert done.startswith("#1 is now won.")
    assert "Closed business of R18\u00a0500,00 is recorded" in done
    [row] = await rows(group, "SELECT status, amount_cents FROM referrals")
    assert row == {"status": "won", "amount_cents": 1_850_000}
    # only won takes an amount: the core's own rule, and its wording
    [refused] = await group.type(
        BOB, "referrals", "update", referral=1, status="lost", amount="100", note="x"
    )
    assert refused.startswith("Only a won referral records closed business")


async def test_thanks_needs_a_member_or_a_referral(group, discord_api):
    assert await answers(group, discord_api, slash(BOB, "thanks")) == [wording.THANKS_WHO]


async def test_a_one_word_option_with_spaces_is_named(group, discord_api):
    payload = slash(ALICE, "rapport", "meeting", "set", weekday="wednesday", time="7 am")
    assert await answers(group, discord_api, payload) == [
        "**time**: write it as one word, like 07:00. Nothing was saved."
    ]


async def test_a_command_from_a_dm_is_turned_away(group, discord_api):
    payload = slash(CAROL, "rapport", "stats")
    for key in ("guild_id", "guild", "member", "guild_locale"):
        payload.pop(key)
    payload["data"].pop("guild_id")
    payload.update(
        user=CAROL.user,
        channel={"id": "900000000000009999", "type": 1, "recipients": [CAROL.user]},
        channel_id="900000000000009999",
        context=1,
    )
    assert await answers(group, discord_api, payload) == [wording.GUILD_ONLY]


async def test_a_retried_interaction_is_answered_not_done_twice(group, discord_api):
    payload = slash(ALICE, "referral", member=BOB, prospect="Jane", email="j@roe.example")
    await group.send(payload)
    await group.send({**payload, "token": payload["token"] + "-again"})  # same interaction id
    assert len(await rows(group, "SELECT id FROM referrals")) == 1
    assert len(discord_api.dms_to(BOB.id)) == 1


async def test_time_zones_are_suggested_as_the_member_types(group, discord_api):
    payload = await group.send(
        autocomplete(BOB, "rapport", "profile", "timezone", option="zone", typed="johann")
    )
    [callback] = discord_api.interaction(payload).callbacks
    assert callback == {
        "type": 8,
        "data": {"choices": [{"name": "Africa/Johannesburg", "value": "Africa/Johannesburg"}]},
    }
    [saved] = await group.type(BOB, "rapport", "profile", "timezone", zone="Africa/Johannesburg")
    assert saved == "Saved. Your time zone: Africa/Johannesburg"
