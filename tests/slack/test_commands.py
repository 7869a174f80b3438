"""Slash commands through the real bolt app: signed form posts in, an empty ack at once, the
answer only the typer sees through the response_url, and what the command set off reaching
the fake Web API (DMs, channel posts)."""

from __future__ import annotations

import json

from adapters.slack.app import SlackBot, assemble
from adapters.slack.messenger import Pacer
from tests.slack.conftest import ALICE, BOB, CAROL, GONE, GROUP, HELPER, Workspace
from tests.slack.fake_slack import DROP, FakeSlack, dm_channel
from tests.slack.payloads import SIGNING_SECRET

REFERRAL = "/referral <@U0BOB|bob> Jane Roe jane@roe.example 082 555 1234 -- a new geyser heat:4"


async def rows(slack: SlackBot, sql: str) -> list[dict[str, object]]:
    async with slack.app.repo.transaction() as tx:
        return [dict(r) for r in await tx._all(sql)]  # type: ignore[attr-defined]


async def test_setup_answers_only_the_typer_and_tells_the_channel(ws, fake, slack):
    result = await ws.type(ALICE, "/rapport setup Breakfast Club")
    assert (result.status, result.response.body) == (200, "")  # the ack: nothing for Slack to show
    [reply] = result.posts
    assert reply["response_type"] == "ephemeral"
    assert "Breakfast Club is set up in this channel and you are its admin" in result.text
    assert ws.channel_texts() == [
        "@Alice set up Rapport for Breakfast Club here. Take your seat with /rapport join"
        " <classification> (one member per classification), then tell us the referral you"
        " want with /rapport profile ask <text>."
    ]
    [group] = await rows(
        slack, "SELECT platform, workspace, channel_id, channel_name, name FROM groups"
    )
    assert group == {
        "platform": "slack",
        "workspace": "T0RAPPORT",
        "channel_id": "C0GROUP",
        "channel_name": "#breakfast-club",
        "name": "Breakfast Club",
    }


async def test_members_take_their_name_and_time_zone_from_slack(group, slack):
    members = await rows(slack, "SELECT user_id, display_name, tz FROM members ORDER BY id")
    assert members == [
        {"user_id": "U0ALICE", "display_name": "Alice", "tz": "Africa/Johannesburg"},
        {"user_id": "U0BOB", "display_name": "Bob", "tz": "Europe/London"},
        {"user_id": "U0CAROL", "display_name": "Carol", "tz": "Asia/Tokyo"},
    ]


async def test_a_referral_reaches_the_receiver_as_a_block_kit_dm(group, fake):
    result = await group.type(ALICE, REFERRAL)
    assert "Referral #1 to @Bob is logged: Jane Roe" in result.text
    # posted to Bob's user id, which Slack delivers to the app's DM with him: no
    # conversations.open spent (Tier 3, about 50 a minute per workspace)
    assert fake.calls_to("conversations.open") == []
    assert [c["channel"] for c in fake.calls_to("chat.postMessage")][:1] == ["U0BOB"]
    [dm] = group.dms(BOB)
    assert [b["type"] for b in dm["blocks"]] == [
        "header",
        "section",
        "section",
        "actions",
        "context",
    ]
    assert dm["blocks"][0]["text"]["text"] == "New referral from Alice"
    seen = group.seen(dm)
    for detail in ("Jane Roe", "jane@roe.example", "082 555 1234", "a new geyser", "4/5 (hot)"):
        assert detail in seen
    assert [e["text"]["text"] for e in dm["blocks"][3]["elements"]] == [
        "Contacted",
        "Meeting booked",
        "Won",
        "No sale",
        "Snooze 1 day",
    ]
    assert "Contacted: /referrals update 1 contacted" in seen  # every button is also typeable
    # the plain-text fallback carries the whole message for notifications
    assert dm["text"].startswith("<@U0ALICE> passed you a referral: Jane Roe.")
    assert "Email: jane@roe.example" in dm["text"]
    # the channel sees who gave to whom, never the prospect's details
    assert group.channel_texts() == ["@Alice passed a referral to @Bob."]


async def test_both_escaped_mention_forms_name_the_member(group, slack):
    await group.type(ALICE, "/referral <@U0BOB> Jane Roe jane@roe.example")
    await group.type(ALICE, "/referral <@U0BOB|bob> Sam Poe sam@poe.example")
    assert await rows(slack, "SELECT prospect, receiver_id FROM referrals ORDER BY id") == [
        {"prospect": "Jane Roe", "receiver_id": 2},
        {"prospect": "Sam Poe", "receiver_id": 2},
    ]


async def test_a_plain_at_name_gets_a_usage_hint_never_a_guess(group, slack, fake):
    result = await group.type(ALICE, "/referral @bob Jane Roe jane@roe.example")
    assert result.status == 200
    assert (
        "I can't tell who “@bob” is. Pick the member from the mention list as you type @,"
        " so it becomes a real mention." in result.text
    )
    assert await rows(slack, "SELECT id FROM referrals") == []
    assert fake.calls_to("chat.postMessage") == []


async def test_bots_and_deactivated_accounts_cannot_be_referred(group, slack, fake):
    for who in (HELPER, GONE):
        result = await group.type(
            ALICE, f"/referral <@{who['id']}|{who['name']}> Jane jane@roe.example"
        )
        assert "That account is a bot or has been deactivated" in result.text
        assert who["id"] not in result.text  # no raw token echoed back
    assert await rows(slack, "SELECT id FROM referrals") == []
    assert fake.calls_to("chat.postMessage") == []


async def test_pings_typed_into_a_prospect_never_ping(group, fake, slack):
    # Slack sends @channel as <!channel>, and escapes what the person typed as text
    await group.type(
        ALICE,
        "/referral <@U0BOB|bob> <!channel> <!here|here> Jane &lt;@U0CAROL&gt; jane@roe.example",
    )
    [prospect] = await rows(slack, "SELECT prospect FROM referrals")
    assert prospect == {"prospect": "@channel @here Jane <@U0CAROL>"}
    sent = json.dumps([c.args for c in fake.calls if c.method != "users.info"])
    for ping in ("<!channel>", "<!here", "<!everyone>", "<@U0CAROL>"):
        assert ping not in sent
    [dm] = group.dms(BOB)
    assert "Jane &lt;@U0CAROL&gt;" in dm["blocks"][1]["text"]["text"]
    assert "@channel @here Jane <@U0CAROL>" in group.seen(dm)


async def test_slack_formatting_is_read_as_the_person_typed_it(group, slack):
    # with should_escape, Slack links the email and escapes the ampersand
    await group.type(
        ALICE,
        "/referral <@U0BOB|bob> Smith &amp; Sons <mailto:jo@smith.example|jo@smith.example>"
        " -- rewiring for <@U0CAROL>'s office",
    )
    assert await rows(slack, "SELECT prospect, email, need FROM referrals") == [
        {
            "prospect": "Smith & Sons",
            "email": "jo@smith.example",
            "need": "rewiring for @Carol's office",
        }
    ]


async def test_a_retried_request_logs_one_referral_and_answers_both(group, slack, fake):
    first = await group.type(ALICE, REFERRAL, trigger="13345224609.738474920.retried")
    again = await group.type(ALICE, REFERRAL, trigger="13345224609.738474920.retried", retry=1)
    assert (first.status, again.status) == (200, 200)
    assert "Referral #1 to @Bob is logged" in first.text
    assert "Referral #1 to @Bob is logged" in again.text
    assert len(await rows(slack, "SELECT id FROM referrals")) == 1
    assert len(group.dms(BOB)) == 1


async def test_the_same_referral_typed_again_is_a_new_command_refused_as_a_duplicate(group, slack):
    await group.type(ALICE, REFERRAL)
    again = await group.type(ALICE, REFERRAL)
    # not a retry answered from the stored reply: the command ran again, and the rules
    # refused the same prospect to the same member while the first is open
    assert "You already passed Jane Roe to @Bob as #1" in again.text
    assert len(await rows(slack, "SELECT id FROM referrals")) == 1
    await group.type(ALICE, REFERRAL.replace("Jane Roe jane@roe.example 082 555 1234", "Tom Lee tom@lee.example"))
    assert len(await rows(slack, "SELECT id FROM referrals")) == 2


async def test_refusals_come_back_ephemeral_with_http_200(group):
    for line, says in (
        ("/referrals update 99 won", "There is no referral #99 of yours."),
        ("/rapport frobnicate", "I don't know the command “frobnicate”."),
        (
            "/referral <@U0ALICE|alice> Me me@me.example",
            "You can't pass a referral or lead to yourself.",
        ),
    ):
        result = await group.type(BOB if "99" in line else ALICE, line)
        assert (result.status, result.response.body) == (200, "")
        assert [p["response_type"] for p in result.posts] == ["ephemeral"]
        assert says in result.text


async def test_a_slack_failure_mid_command_is_an_apology_and_stores_nothing(group, slack, fake):
    fake.users["U0DAVE"] = {**CAROL, "id": "U0DAVE"}
    fake.fail("users.info", "internal_error", times=2)  # Dave's lookup fails
    result = await group.type(ALICE, "/referral <@U0DAVE|dave> Jane Roe jane@roe.example")
    assert (result.status, result.response.body) == (200, "")
    assert "Sorry, something went wrong on my side and nothing was saved." in result.text
    assert await rows(slack, "SELECT id FROM referrals") == []


async def test_a_broken_database_is_an_apology_not_a_500(group, slack):
    await slack.app.repo.close()
    result = await group.type(ALICE, REFERRAL)
    assert (result.status, result.response.body) == (200, "")
    assert "Sorry, something went wrong on my side" in result.text


async def test_commands_in_a_direct_message_find_the_members_group(group):
    await group.type(ALICE, REFERRAL)
    result = await group.type(BOB, "/referrals", where=(dm_channel("U0BOB"), "directmessage"))
    assert "#1 referral from @Alice: Jane Roe — open" in result.text


async def test_every_command_in_the_manifest_is_answered(group):
    for line, says in (
        ("/lead <@U0BOB|bob> Acme Roofing -- office needs a plumber", "Lead #1 to @Bob is logged"),
        ("/referrals given", "Referrals and leads you gave"),
        ("/onetoone <@U0CAROL|carol> -- coffee", "@Carol"),
        ("/thanks <@U0BOB|bob> -- for the intro", "Your thanks to @Bob is posted in the channel."),
        ("/rapport help", "Rapport keeps your group's referrals moving."),
    ):
        assert says in (await group.type(ALICE, line)).text


async def test_the_fake_counts_only_what_was_sent(fake: FakeSlack, ws: Workspace):
    # nothing is sent before anything is typed: the app makes no call when built
    assert fake.calls == []
    await ws.type(ALICE, "/rapport help", where=GROUP)
    assert [c.method for c in fake.calls] == ["auth.test", "users.info", "response_url"]


async def test_a_failure_before_rapport_is_reached_is_an_apology_not_a_500(ws, fake, slack):
    # bolt's own auth.test (its first call) finds Slack hanging up, twice (with the retry)
    fake.fail("auth.test", DROP, times=2)
    result = await ws.type(ALICE, "/rapport help")
    assert result.status == 200
    assert json.loads(result.response.body) == {
        "response_type": "ephemeral",
        "text": "Sorry, something went wrong on my side and nothing was saved. Please try again;"
        " if it keeps happening, tell your organiser.",
    }
    # the next request finds Slack back and works
    assert (
        "Rapport keeps your group's referrals moving."
        in (await ws.type(ALICE, "/rapport help")).text
    )


async def acking_bot(fake, settings, clock, pace) -> tuple[SlackBot, Workspace]:
    """The bot as it runs for Slack: bolt returns the ack while the listener keeps working;
    Alice and Bob have joined."""
    bot = await assemble(
        settings,
        token="xoxb-test",
        signing_secret=SIGNING_SECRET,
        clock=clock,
        database=":memory:",
        api_url=fake.base_url,
        pacer=Pacer(monotonic=pace.monotonic, sleep=pace.sleep),
    )
    ws = Workspace(bot, fake)
    for who, line in (
        (ALICE, "/rapport setup Breakfast Club"),
        (ALICE, "/rapport join Commercial insurance"),
        (BOB, "/rapport join Residential plumbing"),
    ):
        typed = await ws.type(who, line)
        await fake.until(lambda key=typed.key: bool(fake.responses(key)))
    return bot, ws


async def test_the_ack_comes_back_before_the_work_is_done(fake, settings, clock, pace):
    bot, ws = await acking_bot(fake, settings, clock, pace)
    slow_answer = fake.hold("response_url")
    result = await ws.type(ALICE, REFERRAL, settle=False)
    assert (result.status, result.response.body, result.posts) == (200, "", [])
    slow_answer.set()
    await fake.until(lambda: bool(fake.responses(result.key)))
    assert "Referral #1 to <@U0BOB> is logged" in fake.responses(result.key)[0]["text"]
    await bot.close()


async def test_the_answer_does_not_wait_for_slack_to_take_other_members_messages(
    fake, settings, clock, pace
):
    bot, ws = await acking_bot(fake, settings, clock, pace)
    slow_slack = fake.hold("chat.postMessage")
    result = await ws.type(ALICE, REFERRAL, settle=False)
    # Alice hears at once, while Slack has not yet taken Bob's DM
    await fake.until(lambda: bool(fake.responses(result.key)))
    assert "Referral #1 to <@U0BOB> is logged" in fake.responses(result.key)[0]["text"]
    await fake.until(lambda: bool(fake.calls_to("chat.postMessage")))
    assert fake.dms_to(BOB["id"]) == []
    slow_slack.set()
    await fake.until(lambda: bool(fake.dms_to(BOB["id"])))
    assert "Jane Roe" in ws.dm_texts(BOB)[0]
    await bot.close()


async def test_each_members_slack_profile_is_looked_up_once(group, fake):
    await group.type(ALICE, REFERRAL)
    await group.type(ALICE, "/referrals given")
    await group.type(BOB, "/referrals received")
    await group.type(ALICE, "/lead <@U0BOB|bob> Acme Roofing")
    looked_up = [c["user"] for c in fake.calls_to("users.info")]
    assert looked_up == []  # all three were looked up while the group was set up, and kept


async def test_the_roster_names_every_member_without_pinging(group, slack):
    roster = await group.type(CAROL, "/rapport roster")
    assert roster.text.startswith("Breakfast Club's roster: 3 members.")
    assert "@Bob — Residential plumbing, joined" in roster.text
    assert "<@U0BOB>" not in json.dumps(roster.posts)  # named, not pinged
