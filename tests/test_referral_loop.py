"""The referral loop, told as a group's week: Alice refers Jane to Bob, Bob follows up and
keeps Alice informed, the business closes, Bob thanks Alice in the channel.

Every assertion is about what someone sees (a private reply, a DM, a channel post) or what
the database holds afterwards."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.model import Kind, Status
from bot.out import OutMessage
from bot.text import Link, Mention, UserText
from bot.work import Context
from tests.fakes import DM, channel, user

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

MEMBERS = {user("alice"), user("bob"), user("carol")}
JANE = "/referral @bob Jane Roe jane@roe.example 082 555 1234 -- a new geyser heat:4"


# --- looking into the database ------------------------------------------------------------
async def group_totals(core, where=None):
    """The whole group's counts, over all time."""
    async with core.repo.transaction() as tx:
        g = await tx.groups.by_channel(where or channel())
        return await tx.numbers.stats(g.id, None, 0, 2**40)


async def referral(core, rid):
    async with core.repo.transaction() as tx:
        return await tx.referrals.get(rid)


async def member_id(core, handle, where=None):
    async with core.repo.transaction() as tx:
        g = await tx.groups.by_channel(where or channel())
        m = await tx.members.get(g.id, handle)
        return m.id


async def refused(chat, who: str, line: str, **where) -> str:
    """The kind of the one reply a refused command gets, its wording being the golden
    transcripts' to keep."""
    [reply] = await chat.messages(who, line, **where)
    assert reply.refused, (line, reply.fallback())
    return reply.kind


async def rows(core, sql):
    async with core.repo.transaction() as tx:
        return [dict(r) for r in await tx._all(sql)]


async def closed_business(core):
    return await rows(
        core,
        "SELECT referral_id, giver_id, receiver_id, amount_cents, currency, note"
        " FROM closed_business ORDER BY id",
    )


async def thanks_rows(core):
    return await rows(core, "SELECT from_id, to_id, referral_id, note FROM thanks ORDER BY id")


def stored(totals) -> int:
    return totals.referrals_given + totals.leads_given


def parts(message: OutMessage) -> list:
    """Every piece of a message a platform renders: headline, fields and button commands."""
    out = list(message.body().leaves())
    for a in message.actions:
        out.extend(a.command.leaves())
    return out


def link_in(message: OutMessage) -> str:
    [link] = [p for p in message.text.parts if isinstance(p, Link)]
    return link.url


# --- a referral -----------------------------------------------------------------------------
async def test_alice_refers_jane_to_bob_and_bob_gets_her_details_with_the_four_actions(
    group, messenger, core
):
    reply = await group("alice", JANE)
    assert "Referral #1 to @bob is logged: Jane Roe" in reply

    [dm] = messenger.dms_to("bob")
    assert dm.message.kind == "referral.received"
    assert "@alice passed you a referral: Jane Roe" in dm.text
    fields = {f.name: f.value.plain() for f in dm.message.fields}
    assert fields == {
        "Prospect": "Jane Roe",
        "Email": "jane@roe.example",
        "Phone": "082 555 1234",
        "Need": "a new geyser",
        "Heat": "4/5 (hot)",
        "Id": "#1",
    }
    # the four steps of the loop lead the buttons; every button has its typed command
    assert all(a.command.plain().startswith("/") for a in dm.message.actions)
    assert [(a.label, a.action_id, a.command.plain()) for a in dm.message.actions][:4] == [
        ("Contacted", "ref:1:contacted", "/referrals update 1 contacted"),
        ("Meeting booked", "ref:1:meeting", "/referrals update 1 meeting"),
        ("Won", "ref:1:won", "/referrals update 1 won"),
        ("No sale", "ref:1:lost", "/referrals update 1 lost"),
    ]

    [post] = messenger.posts()
    assert post.text == "@alice passed a referral to @bob."
    assert post.message.fields == () and post.message.actions == ()
    for secret in ("Jane", "Roe", "jane@roe.example", "082 555 1234", "0825551234", "geyser"):
        assert secret not in post.message.to_json()
    assert messenger.dms_to("alice") == [] and messenger.dms_to("carol") == []

    r = await referral(core, 1)
    assert (r.kind, r.status, r.prospect, r.email, r.phone, r.need, r.heat) == (
        Kind.REFERRAL,
        Status.OPEN,
        "Jane Roe",
        "jane@roe.example",
        "082 555 1234",
        "a new geyser",
        4,
    )
    assert r.giver_id == await member_id(core, "alice")
    assert r.receiver_id == await member_id(core, "bob")


async def test_a_referral_with_only_a_phone_shows_no_heat_nobody_gave_and_offers_no_email(
    group, messenger, core
):
    [reply] = await group.messages("alice", "/referral @bob Sam Kay 021 555 9876")
    assert reply.kind == "referral.logged"
    assert "mailto:" not in reply.fallback()
    [dm] = messenger.dms_to("bob")
    assert "Phone: 021 555 9876" in dm.text
    # alice said nothing about heat: bob is not shown one as if she had
    assert "Heat" not in dm.text
    assert "Email:" not in dm.text
    # it is still chased as a warm one would be (48 h)
    async with core.repo.transaction() as tx:
        [nudge] = [d for d in await tx.due.pending_of(1, 1) if d.kind == "nudge.follow_up"]
    r = await referral(core, 1)
    assert (r.heat, r.heat_given, nudge.due_at - r.created_at) == (3, False, 48 * 3600)


async def test_the_introduction_email_goes_to_jane_and_names_both_when_bob_has_no_email(group):
    [reply] = await group.messages("alice", JANE)
    url = link_in(reply)
    head, _, query = url.partition("?")
    assert head == "mailto:jane@roe.example"
    q = parse_qs(query, strict_parsing=True)
    assert q["subject"] == ["Introduction: Jane Roe meet bob"]
    [body] = q["body"]
    # whole sentences the prospect and bob can read, each addressed to one of them
    assert body == (
        "Hi Jane Roe and bob,\n\n"
        "I'd like to introduce you to each other.\n\n"
        "Jane Roe, bob (Residential plumbing) is someone I know and trust. You told me what"
        ' you need: "a new geyser", and I\'ve passed that on.\n\n'
        "bob, Jane Roe is expecting your call.\n\n"
        "I'll let you two take it from here.\n\n"
        "Best wishes,\nalice"
    )
    assert "@bob has no email on file; add theirs to the To line." in reply.fallback()


async def test_the_introduction_email_also_goes_to_bob_once_he_set_his_email(group):
    assert "bob@plumbing.example" in await group("bob", "/profile email bob@plumbing.example")
    [reply] = await group.messages(
        "alice", "/referral @bob Jane O'Roe & Co jane@roe.example -- a geyser?"
    )
    url = link_in(reply)
    assert not any(c in url for c in " \n#")  # URL-encoded throughout
    parsed = urlsplit(url)
    assert parsed.scheme == "mailto"
    assert parsed.path.split(",") == ["jane@roe.example", "bob@plumbing.example"]
    q = parse_qs(parsed.query, strict_parsing=True)
    assert set(q) == {"subject", "body"}  # the "&" in the name did not split the query
    assert q["subject"] == ["Introduction: Jane O'Roe & Co meet bob"]
    assert "Jane O'Roe & Co" in q["body"][0] and "bob" in q["body"][0]
    assert "no email on file" not in reply.fallback()


# --- leads ----------------------------------------------------------------------------------
async def test_a_referral_without_contact_details_is_recorded_as_a_lead_and_says_why(
    group, messenger, core
):
    reply = await group("alice", "/referral @bob Acme Roofing -- their office needs a plumber")
    assert "Recorded as lead #1 to @bob, not a referral" in reply
    assert "no email or phone number for Acme Roofing" in reply

    [dm] = messenger.dms_to("bob")
    assert dm.message.kind == "lead.received"
    assert "@alice passed you a lead: Acme Roofing" in dm.text
    values = [f.value.plain() for f in dm.message.fields]
    assert values == ["Acme Roofing", "their office needs a plumber", "#1"]  # no heat, no contact
    assert "Heat" not in dm.text
    [post] = messenger.posts()
    assert post.text == "@alice passed a lead to @bob."

    r = await referral(core, 1)
    assert (r.kind, r.email, r.phone) == (Kind.LEAD, None, None)


async def test_alice_passes_a_lead_explicitly(group, messenger, core):
    reply = await group("alice", "/lead @bob Acme Roofing -- their office is looking for a plumber")
    assert "Lead #1 to @bob is logged: Acme Roofing." in reply
    [dm] = messenger.dms_to("bob")
    assert "@alice passed you a lead: Acme Roofing" in dm.text
    assert [a.action_id for a in dm.message.actions][:4] == [
        "ref:1:contacted",
        "ref:1:meeting",
        "ref:1:won",
        "ref:1:lost",
    ]
    assert [p.text for p in messenger.posts()] == ["@alice passed a lead to @bob."]
    assert (await referral(core, 1)).kind is Kind.LEAD


async def test_stats_count_referrals_and_leads_apart(group):
    await group("alice", JANE)
    await group("alice", "/referral @bob Acme Roofing")
    await group("alice", "/lead @bob Beta Builders -- new office")
    await group("carol", "/referral @bob Tom Lee tom@lee.example")

    alice = await group("alice", "/stats")
    assert "This week: 1 referral given, 0 received, 2 leads given, 0 received" in alice
    bob = await group("bob", "/stats")
    assert "This week: 0 referrals given, 2 received, 0 leads given, 2 received" in bob


# --- refusals: a clear message, nothing stored, nobody told ---------------------------------
@pytest.mark.parametrize(
    ("who", "line", "says"),
    [
        (
            "alice",
            "/referral @alice Jane Roe jane@roe.example",
            "can't pass a referral or lead to yourself",
        ),
        ("alice", "/lead @alice Acme Roofing", "can't pass a referral or lead to yourself"),
        (
            "alice",
            "/referral @erin Jane Roe jane@roe.example",
            "@erin isn't on Breakfast Club's roster",
        ),
        ("alice", "/lead @erin Acme Roofing", "@erin isn't on Breakfast Club's roster"),
        (
            "erin",
            "/referral @bob Jane Roe jane@roe.example",
            "You're not on Breakfast Club's roster",
        ),
        ("erin", "/lead @bob Acme Roofing", "You're not on Breakfast Club's roster"),
        ("alice", "/referral <@U1> Jane Roe jane@roe.example", "I can't tell who “<@U1>” is"),
        ("alice", "/lead <@U1> Acme Roofing", "I can't tell who “<@U1>” is"),
    ],
)
async def test_a_referral_that_breaks_a_rule_is_refused_and_nothing_is_stored(
    group, messenger, core, who, line, says
):
    [reply] = await group.messages(who, line)
    assert reply.kind == "error"
    assert says in reply.fallback()
    assert stored(await group_totals(core)) == 0
    assert await referral(core, 1) is None
    assert messenger.sent == []


async def test_an_unresolvable_mention_is_echoed_as_text_not_as_a_mention(group):
    [reply] = await group.messages("alice", "/referral <@U1> Jane Roe jane@roe.example")
    assert UserText("<@U1>") in reply.text.parts
    assert reply.mentions() == ()


async def test_members_of_another_group_are_out_of_reach(group, messenger, core):
    other = channel("other")
    assert "set up" in await group("dave", "/rapport setup Sunrise Club", where=other)
    assert "Welcome" in await group("dave", "/rapport join Accounting", where=other)
    await group("alice", JANE)
    messenger.clear()
    before = stored(await group_totals(core))

    for who, line, where in (
        ("alice", "/referral @dave Jane Roe jane@roe.example", None),  # not in this group
        ("dave", "/referral @bob Jane Roe jane@roe.example", other),  # nor bob in dave's
        ("dave", "/referral @bob Jane Roe jane@roe.example", None),  # dave is not a member here
        # and dave cannot touch Breakfast Club's referral #1 from his own channel
        ("dave", "/referrals update 1 won 1500", other),
    ):
        assert await refused(group, who, line, where=where) == "error"

    assert stored(await group_totals(core)) == before
    assert stored(await group_totals(core, other)) == 0
    assert (await referral(core, 1)).status is Status.OPEN
    assert await closed_business(core) == []
    assert messenger.sent == []


# --- updates: Bob follows up and keeps Alice informed ----------------------------------------
async def test_only_bob_can_update_the_referral_he_received(group, messenger, core):
    await group("alice", JANE)
    messenger.clear()

    assert await refused(group, "alice", "/referrals update 1 contacted") == "error"
    assert await refused(group, "carol", "/referrals update 1 contacted") == "error"
    assert (await referral(core, 1)).status is Status.OPEN
    assert messenger.sent == []


async def test_bob_moves_jane_forward_and_alice_hears_each_step(group, messenger, core, clock):
    await group("alice", JANE)
    messenger.clear()

    steps = [
        ("contacted", Status.CONTACTED, "contacted"),
        ("meeting booked", Status.MEETING, "meeting booked"),
        ("won", Status.WON, "won"),
    ]
    for i, (word, status, label) in enumerate(steps, start=1):
        clock.advance(hours=20)
        reply = await group("bob", f"/referrals update 1 {word}")
        assert f"#1 is now {label}. I've let @alice know." in reply
        assert (await referral(core, 1)).status is status
        dms = messenger.dms_to("alice")
        assert len(dms) == i
        assert f"@bob marked your referral for Jane Roe (#1) as {label}." in dms[-1].text
    assert "thank you for passing it on" in messenger.dms_to("alice")[-1].text
    assert messenger.posts() == []  # progress is between the two of them
    events = await rows(core, "SELECT status FROM referral_events ORDER BY id")
    assert [e["status"] for e in events] == ["contacted", "meeting", "won"]


async def test_a_referral_cannot_go_backwards(group, messenger, core):
    await group("alice", JANE)
    await group("bob", "/referrals update 1 meeting")
    messenger.clear()

    assert await refused(group, "bob", "/referrals update 1 contacted") == "error"
    assert (await referral(core, 1)).status is Status.MEETING
    assert messenger.sent == []


async def test_the_same_status_twice_is_a_friendly_no_op(group, messenger, core):
    await group("alice", JANE)
    await group("bob", "/referrals update 1 contacted")
    assert len(messenger.dms_to("alice")) == 1

    [reply] = await group.messages("bob", "/referrals update 1 contacted")
    assert reply.kind == "referral.same"
    assert reply.fallback() == "#1 is already contacted; nothing changed."
    assert len(messenger.dms_to("alice")) == 1
    events = await rows(core, "SELECT status FROM referral_events")
    assert len(events) == 1


async def test_no_sale_then_won_needs_a_note_saying_why(group, messenger, core):
    await group("alice", JANE)
    assert "#1 is now no sale" in await group("bob", "/referrals update 1 no sale")
    assert "as no sale." in messenger.dms_to("alice")[-1].text
    messenger.clear()

    reply = await group("bob", "/referrals update 1 won")
    assert "#1 is closed as no sale. To change it, add a note saying why" in reply
    assert "/referrals update 1 won -- what changed" in reply
    assert (await referral(core, 1)).status is Status.LOST
    assert messenger.sent == []

    reply = await group("bob", "/referrals update 1 won -- she called back after all")
    assert "#1 is now won" in reply
    assert (await referral(core, 1)).status is Status.WON
    [to_alice] = messenger.dms_to("alice")
    assert "as won" in to_alice.text
    assert "Their note: she called back after all" in to_alice.text


async def test_won_with_an_amount_records_closed_business_that_only_bob_sees(
    group, messenger, core
):
    await group("alice", JANE)
    await group("bob", "/referrals update 1 contacted -- left a voicemail")
    reply = await group("bob", "/referrals update 1 won 1500 -- signed today")
    assert "#1 is now won" in reply
    assert "Closed business of R1\u00a0500,00 is recorded" in reply

    assert await closed_business(core) == [
        {
            "referral_id": 1,
            "giver_id": await member_id(core, "alice"),
            "receiver_id": await member_id(core, "bob"),
            "amount_cents": 150000,
            "currency": "ZAR",
            "note": "signed today",
        }
    ]
    r = await referral(core, 1)
    assert (r.status, r.amount_cents) == (Status.WON, 150000)
    assert "closed business R1\u00a0500,00" in await group("bob", "/stats")
    assert (await group_totals(core)).closed_business_cents == 150000

    to_alice = messenger.dms_to("alice")
    assert len(to_alice) == 2
    assert "Their note: left a voicemail" in to_alice[0].text
    assert "Their note: signed today" in to_alice[1].text
    for dm in to_alice:
        assert "1,500" not in dm.text and "1500" not in dm.text
    for s in messenger.posts():
        assert "1,500" not in s.text and "1500" not in s.text
    # others see bob's counts, never his amount
    for who, line in (("alice", "/stats @bob"), ("carol", "/stats @bob"), ("alice", "/stats")):
        assert "1,500" not in await group(who, line)


async def test_winning_prompts_bob_to_thank_alice(group, messenger):
    await group("alice", JANE)
    await group("bob", "/referrals update 1 won")
    prompt = messenger.dms_to("bob")[-1]
    assert prompt.message.kind == "thanks.prompt"
    assert "#1 (Jane Roe) is won. Thank @alice for it" in prompt.text
    [action] = prompt.message.actions
    assert (action.label, action.action_id, action.command.plain()) == (
        "Thank alice",
        "thank:1",
        "/thanks @alice 1",
    )


async def test_the_amount_can_follow_the_win_but_only_once(group, messenger, core):
    await group("alice", JANE)
    reply = await group("bob", "/referrals update 1 won")
    assert "Record its value with /referrals update 1 won <amount>." in reply
    assert await closed_business(core) == []

    reply = await group("bob", "/referrals update 1 won 1500")
    assert "Closed business of R1\u00a0500,00 is recorded for #1" in reply
    assert [(b["referral_id"], b["amount_cents"]) for b in await closed_business(core)] == [
        (1, 150000)
    ]
    assert (await referral(core, 1)).amount_cents == 150000

    reply = await group("bob", "/referrals update 1 won 2000")
    assert "#1 already has its closed business recorded." in reply
    assert len(await closed_business(core)) == 1
    assert (await referral(core, 1)).amount_cents == 150000
    assert "closed business R1\u00a0500,00" in await group("bob", "/stats")
    for dm in messenger.dms_to("alice"):
        assert "1,500" not in dm.text and "2,000" not in dm.text


# --- thanks ---------------------------------------------------------------------------------
async def test_bob_thanks_alice_in_the_channel_with_a_note(group, messenger, core):
    await group("alice", JANE)
    await group("bob", "/referrals update 1 won 1500")
    messenger.clear()

    reply = await group("bob", "/thanks @alice 1 -- a lovely client")
    assert "Your thanks to @alice is posted in the channel." in reply
    [post] = messenger.posts()
    assert post.text == "🙏 @bob thanks @alice for a referral. “a lovely client”"
    assert set(post.message.mentions()) == {user("bob"), user("alice")}
    assert "1,500" not in post.text and "1500" not in post.text
    assert await thanks_rows(core) == [
        {
            "from_id": await member_id(core, "bob"),
            "to_id": await member_id(core, "alice"),
            "referral_id": 1,
            "note": "a lovely client",
        }
    ]
    assert (await referral(core, 1)).thanked_at is not None


async def test_thanks_with_an_id_and_an_amount_records_business_but_posts_no_amount(
    group, messenger, core
):
    await group("alice", JANE)
    messenger.clear()

    reply = await group("bob", "/thanks @alice 1 R2500")
    assert "Closed business of R2\u00a0500,00 is recorded" in reply
    assert [(b["referral_id"], b["amount_cents"]) for b in await closed_business(core)] == [
        (1, 250000)
    ]
    r = await referral(core, 1)
    assert (r.status, r.amount_cents) == (Status.WON, 250000)
    [post] = messenger.posts()
    assert post.text == "🙏 @bob thanks @alice for a referral that became closed business."
    everything_alice_and_the_channel_saw = [s.text for s in messenger.posts()] + [
        s.text for s in messenger.dms_to("alice")
    ]
    for text in everything_alice_and_the_channel_saw:
        assert "2\u00a0500" not in text and "2500" not in text
    # bob already thanked: no prompt to thank again
    assert [s.message.kind for s in messenger.dms_to("bob")] == []


async def test_thanks_with_a_number_that_is_no_referral_is_asked_about_and_nothing_is_posted(
    group, messenger, core
):
    reply = await group("bob", "/thanks @alice 1500")
    # a lone number never becomes money by guessing: both ways to write it are shown
    assert "I can't tell what “1500” means, so nothing is posted yet." in reply
    assert "/thanks @alice #1500" in reply
    assert "/thanks @alice R1\u00a0500,00" in reply
    assert await closed_business(core) == [] and await thanks_rows(core) == []
    assert messenger.sent == []


async def test_thanks_with_an_amount_in_the_groups_currency_records_it(group, messenger, core):
    reply = await group("bob", "/thanks @alice R1500")
    assert "Closed business of R1\u00a0500,00 is recorded" in reply
    assert await closed_business(core) == [
        {
            "referral_id": None,
            "giver_id": await member_id(core, "alice"),
            "receiver_id": await member_id(core, "bob"),
            "amount_cents": 150000,
            "currency": "ZAR",
            "note": None,
        }
    ]
    [post] = messenger.posts()
    assert post.text == "🙏 @bob thanks @alice for closed business."


async def test_thanks_with_the_number_of_alices_referral_takes_it_as_the_id(group, messenger, core):
    await group("alice", JANE)
    messenger.clear()

    reply = await group("bob", "/thanks @alice 1")
    assert reply == "Your thanks to @alice is posted in the channel."
    assert await closed_business(core) == []
    [post] = messenger.posts()
    assert post.text == "🙏 @bob thanks @alice for a referral."
    assert [t["referral_id"] for t in await thanks_rows(core)] == [1]
    assert (await referral(core, 1)).thanked_at is not None


@pytest.mark.parametrize("line", ["/thanks @bob", "/thanks @bob -- me", "/thanks @bob 1"])
async def test_bob_cannot_thank_himself(group, messenger, core, line):
    await group("alice", JANE)
    messenger.clear()

    assert await refused(group, "bob", line) == "error"
    assert messenger.sent == []
    assert await thanks_rows(core) == []
    assert await closed_business(core) == []


@pytest.mark.parametrize("line", ["/thanks @carol 1", "/thanks @carol #1"])
async def test_thanking_carol_for_alices_referral_is_refused_naming_alice(
    group, messenger, core, line
):
    await group("alice", JANE)
    messenger.clear()

    assert await refused(group, "bob", line) == "error"
    assert messenger.sent == []
    assert await thanks_rows(core) == []
    assert await closed_business(core) == []


async def test_clicking_thank_posts_the_thanks(group, messenger, core):
    await group("alice", JANE)
    await group("bob", "/referrals update 1 won")
    [prompt] = [s for s in messenger.dms_to("bob") if s.message.kind == "thanks.prompt"]
    messenger.clear()

    reply = await group.click("bob", prompt.message.actions[0].action_id, where=DM)
    assert "Your thanks to @alice is posted in the channel." in reply
    [post] = messenger.posts()
    assert post.to == channel()
    assert post.text == "🙏 @bob thanks @alice for a referral."
    assert [t["referral_id"] for t in await thanks_rows(core)] == [1]


# --- buttons --------------------------------------------------------------------------------
async def test_bobs_contacted_button_works_like_the_typed_command(group, messenger, core):
    await group("alice", JANE)
    await group("carol", "/referral @bob Tom Lee tom@lee.example")
    messenger.clear()

    clicked = await group.click("bob", "ref:1:contacted", where=DM)
    typed = await group("bob", "/referrals update 2 contacted")
    assert clicked == "#1 is now contacted. I've let @alice know."
    assert typed == "#2 is now contacted. I've let @carol know."
    assert (await referral(core, 1)).status is Status.CONTACTED
    [to_alice] = messenger.dms_to("alice")
    assert "@bob marked your referral for Jane Roe (#1) as contacted." in to_alice.text

    # a second click changes nothing and tells alice nothing
    assert await group.click("bob", "ref:1:contacted", where=DM) == (
        "#1 is already contacted; nothing changed."
    )
    assert len(messenger.dms_to("alice")) == 1


async def test_alice_clicking_bobs_button_is_refused(group, messenger, core):
    await group("alice", JANE)
    messenger.clear()
    reply = await group.click("alice", "ref:1:won", where=DM)
    assert "Only @bob, who received #1, can update it." in reply
    assert (await referral(core, 1)).status is Status.OPEN
    assert messenger.sent == []


@pytest.mark.parametrize(
    ("action_id", "says"),
    [
        ("ref:999:won", "There is no referral #999 of yours."),
        ("thank:999", "There is no referral #999 of yours."),
        ("ref:abc", "That button no longer applies"),
        ("ref:1:explode", "That button no longer applies"),
        ("ref:-1:won", "That button no longer applies"),
        ("thank:abc", "That button no longer applies"),
        ("121:999999", "That button no longer applies"),
        ("", "That button no longer applies"),
    ],
)
async def test_a_forged_button_gets_a_friendly_reply(group, messenger, core, action_id, says):
    await group("alice", JANE)
    messenger.clear()
    [reply] = await core.click(Context(user("bob"), DM), action_id)
    assert says in reply.fallback()
    assert "something went wrong" not in reply.fallback()
    assert (await referral(core, 1)).status is Status.OPEN
    assert messenger.sent == []


# --- privacy across a busy week -------------------------------------------------------------
async def test_no_channel_post_in_a_busy_week_holds_a_prospects_contact_details(
    group, messenger, core, clock
):
    contacts = {
        "Jane Roe": ("jane@roe.example", "082 555 1234"),
        "Tom Lee": ("tom@lee.example", "+27 82 555 0000"),
        "Sam Kay": (None, "021 555 9876"),
        "Pat Oh": ("pat@oh.example", None),
    }
    await group("bob", "/profile email bob@plumbing.example")
    # Monday
    await group("alice", JANE)
    await group("carol", "/referral @bob Tom Lee tom@lee.example +27 82 555 0000 -- leaking tap")
    clock.advance(days=1)
    # Tuesday
    await group("alice", "/referral @carol Sam Kay 021 555 9876 -- roof leak heat:5")
    await group("bob", "/refer @alice Pat Oh pat@oh.example -- fleet cover")
    await group("alice", "/lead @carol Acme Roofing -- their warehouse roof")
    await group.click("bob", "ref:1:contacted", where=DM)
    await group("bob", "/referrals update 2 meeting booked -- Thursday 10:00")
    clock.advance(days=1)
    # Wednesday: the meeting, then the wins
    await group("bob", "/referrals update 1 won 1500 -- signed today")
    await group("carol", "/referrals update 3 no sale -- went with a cousin")
    await group("alice", "/referrals update 4 won -- jane@roe.example is a happy client")
    await group("alice", "/referrals update 4 won 32000")
    await group("bob", "/thanks @alice 1 -- a lovely client")
    await group.click("alice", "thank:4", where=DM)
    await group("bob", "/thanks @carol 2 R2500 -- quick job")
    clock.advance(days=1)
    # Thursday: refusals mid-week must leak nothing either
    await group("alice", "/referral @alice Self Ish self@ish.example")
    await group("alice", "/referral @erin Jane Roe jane@roe.example 082 555 1234")
    await group("carol", "/referrals update 3 won")
    await group("bob", "/thanks @alice R700")

    posts = messenger.posts()
    assert len(posts) == 9  # 5 referrals and leads, 4 thanks; the refusals posted nothing
    for post in posts:
        raw = post.message.to_json()
        for name, (email, phone) in contacts.items():
            assert name not in raw
            if email:
                assert email not in raw
            if phone:
                assert phone not in raw
                assert "".join(c for c in phone if c.isdigit()) not in raw
        for amount in ("1,500", "1500", "32,000", "32000", "2,500", "2500", "700"):
            assert amount not in raw
        assert post.message.fields == ()
    # the details did reach the members they were for
    assert "tom@lee.example" in messenger.dms_to("bob")[1].text
    assert "021 555 9876" in next(s.text for s in messenger.dms_to("carol"))


# --- mention safety -------------------------------------------------------------------------
async def test_mention_lookalikes_in_prospect_need_and_notes_stay_user_text(group, messenger, core):
    tricks = ("@everyone", "<!channel>", "<@U123>")
    replies: list[OutMessage] = []
    replies += await group.messages(
        "alice",
        "/referral @bob Jane @everyone Roe jane@roe.example -- <!channel> call <@U123> now",
    )
    replies += await group.messages("alice", "/lead @bob <@U123> Corp -- ask <!channel> @everyone")
    replies += await group.messages(
        "bob", "/referrals update 1 won -- thanks @everyone <!channel> <@U123>"
    )
    replies += await group.messages("bob", "/thanks @alice 1 -- hi @everyone <!channel> <@U123>")
    replies += await group.messages("bob", "/referrals")
    replies += await group.messages("alice", "/referrals given")

    assert stored(await group_totals(core)) == 2
    everything = replies + [s.message for s in messenger.sent]
    assert len(messenger.posts()) == 3 and len(messenger.dms_to("bob")) >= 2
    seen = set()
    for message in everything:
        assert set(message.mentions()) <= MEMBERS
        for p in parts(message):
            if isinstance(p, str):  # bot wording never carries what a person typed
                assert not any(t in p for t in tricks), (message.kind, p)
            elif isinstance(p, Mention):
                assert p.user in MEMBERS
            elif isinstance(p, UserText):
                seen.update(t for t in tricks if t in p.text)
    assert seen == set(tricks)
    # the receiver's DM carries all three, each inside user text
    dm = messenger.dms_to("bob")[0].message
    user_text = " ".join(p.text for p in parts(dm) if isinstance(p, UserText))
    assert all(t in user_text for t in tricks)
    assert set(dm.mentions()) == {user("alice")}


# --- lists ----------------------------------------------------------------------------------
async def test_referral_lists_show_newest_first_with_ids_and_status_labels(group, clock):
    await group("alice", JANE)
    clock.advance(hours=2)
    await group("alice", "/lead @bob Acme Roofing")
    clock.advance(hours=2)
    await group("carol", "/referral @bob Tom Lee tom@lee.example")
    clock.advance(hours=2)
    await group("bob", "/referral @alice Pat Oh pat@oh.example")
    await group("bob", "/referrals update 1 meeting")
    await group("bob", "/referrals update 2 no sale")

    def lines(text: str) -> list[str]:
        return text.splitlines()[1:]

    everything = await group("bob", "/referrals")
    assert everything.splitlines()[0] == "Your referrals and leads (newest first):"
    assert lines(everything) == [
        "#4 referral to @alice: Pat Oh — open",
        "#3 referral from @carol: Tom Lee — open",
        "#2 lead from @alice: Acme Roofing — no sale",
        "#1 referral from @alice: Jane Roe — meeting booked",
    ]
    assert lines(await group("bob", "/referrals received")) == [
        "#3 referral from @carol: Tom Lee — open",
        "#2 lead from @alice: Acme Roofing — no sale",
        "#1 referral from @alice: Jane Roe — meeting booked",
    ]
    assert lines(await group("bob", "/referrals open")) == [
        "#3 referral from @carol: Tom Lee — open",
        "#1 referral from @alice: Jane Roe — meeting booked",
    ]
    assert lines(await group("alice", "/referrals given")) == [
        "#2 lead to @bob: Acme Roofing — no sale",
        "#1 referral to @bob: Jane Roe — meeting booked",
    ]
    await group("bob", "/referrals update 1 won")
    await group("bob", "/referrals update 3 won")
    assert await group("bob", "/referrals open") == (
        "Referrals and leads waiting on you: Nothing is waiting on you."
    )
    assert "#1 referral to @bob: Jane Roe — won" in await group("alice", "/referrals given")
    assert "Nothing is waiting on you." in await group("carol", "/referrals open")


async def test_newest_first_is_the_order_referrals_were_logged_after_the_clock_was_set_back(
    group, clock
):
    """alice logs Jane Roe at 10:00; the server's clock is then set back an hour (NTP) and
    she logs John Doe at what it calls 09:00, and carol one for bob at 09:05. Newest first
    is the order they were logged in, whatever the clock said: each list, mine or theirs."""
    clock.set(datetime(2027, 1, 12, 10, tzinfo=UTC))
    await group("alice", JANE)
    clock.set(datetime(2027, 1, 12, 9, tzinfo=UTC))
    await group("alice", "/referral @bob John Doe john@doe.example -- a geyser")
    clock.advance(minutes=5)
    await group("carol", "/lead @bob Acme Roofing")

    def ids(text: str) -> list[str]:
        return [line.split()[0] for line in text.splitlines()[1:]]

    assert ids(await group("alice", "/referrals")) == ["#2", "#1"]
    assert ids(await group("alice", "/referrals given")) == ["#2", "#1"]
    assert ids(await group("bob", "/referrals received")) == ["#3", "#2", "#1"]
    assert ids(await group("bob", "/referrals open")) == ["#3", "#2", "#1"]
