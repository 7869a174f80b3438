"""Records a chapter can trust, told as a week in a Cape Town group: Alice refers Jane to
Bob, corrects her, takes back a duplicate; Bob corrects the amount he closed at; a prospect
passed to two members; a member forgotten while others still work their referrals.

Everything goes through the core's entry point; assertions are on what each person sees
(replies, DMs, channel posts) and what the database holds."""

from __future__ import annotations

import pytest

from tests.fakes import user

BACKENDS = ("sqlite", "postgresql")  # the storage contract: each test on both databases

NBSP = "\u00a0"
JANE = "/referral @bob Jane Roe jane@roe.example 082 555 1234 -- a new geyser heat:4"


async def rows(chat, sql: str) -> list[dict]:
    async with chat.core.repo.transaction() as tx:
        return [dict(r) for r in await tx._all(sql)]


async def referral(chat, rid: int):
    async with chat.core.repo.transaction() as tx:
        return await tx.referrals.get(rid)


async def refused(chat, who: str, line: str) -> str:
    """The kind of the one reply a refused command gets (its wording is the golden
    transcripts' to keep): a refusal by a rule ("error") or by the grammar ("error.usage")."""
    [reply] = await chat.messages(who, line)
    assert reply.refused, (line, reply.fallback())
    return reply.kind


def texts(messenger, handle: str) -> list[str]:
    return [s.text for s in messenger.dms_to(handle)]


# --- correcting an amount ----------------------------------------------------------------------
async def test_bob_corrects_the_amount_alice_hears_it_was_corrected_but_not_the_amount(
    group, messenger
):
    await group("alice", JANE)
    await group("bob", "/referrals update 1 won R18,500")
    messenger.clear()
    reply = await group("bob", "/referrals amount 1 R15 000 -- the invoice came to less")
    assert f"Closed business for #1 is now R15{NBSP}000,00 (was R18{NBSP}500,00)." in reply
    assert await rows(group, "SELECT amount_cents FROM closed_business") == [
        {"amount_cents": 1_500_000}
    ]
    assert (await referral(group, 1)).amount_cents == 1_500_000
    [history] = await rows(
        group,
        "SELECT referral_id, note, old_amount_cents, new_amount_cents, new_business"
        " FROM business_events",
    )
    assert history == {
        "referral_id": 1,
        "note": "the invoice came to less",
        "old_amount_cents": 1_850_000,
        "new_amount_cents": 1_500_000,
        "new_business": "new",
    }
    assert "• 30 Nov 2026: R18" in reply and "(the invoice came to less)" in reply
    [told] = texts(messenger, "alice")
    assert "@bob corrected the closed business recorded for your referral Jane Roe (#1)" in told
    assert "15" not in told and "18" not in told and "less" not in told
    assert f"closed business R15{NBSP}000,00" in await group("bob", "/rapport stats")


async def test_only_the_receiver_corrects_an_amount_and_only_one_that_was_recorded(group):
    await group("alice", JANE)
    assert await refused(group, "bob", "/referrals amount 1 R100 -- typo") == "error"
    await group("bob", "/referrals update 1 won R500")
    assert await refused(group, "alice", "/referrals amount 1 R100 -- typo") == "error"
    assert await refused(group, "bob", "/referrals amount 1 R100") == "error.usage"
    assert await refused(group, "bob", "/referrals amount 1 $5 -- oops") == "error"
    assert await rows(group, "SELECT amount_cents FROM closed_business") == [
        {"amount_cents": 50_000}
    ]


async def activity(chat, handle: str) -> dict[str, int]:
    """What the traffic lights count for a member (lights read numbers.activity)."""
    async with chat.core.repo.transaction() as tx:
        group = await tx.groups.by_channel(chat.where)
        m = await tx.members.get(group.id, handle)
        return (await tx.numbers.activity([(m.id, 0)], 2**40))[m.id]


async def test_business_that_fell_through_leaves_every_count_and_a_withdrawal_cannot_keep_it(
    group, messenger
):
    """The review's way round: won, then lost, then withdrawn by the giver. Closed business
    counts only while its referral stands as won: every total, the lights and the export
    agree."""
    await group("alice", JANE)
    await group("bob", "/referrals update 1 won R4 800")
    reply = await group("bob", "/referrals update 1 lost -- client backed out")
    assert f"The closed business of R4{NBSP}800,00 recorded for it no longer counts" in reply
    assert "withdrawn" in await group("alice", "/referrals withdraw 1 -- mistake")
    stats = await group("bob", "/rapport stats")
    assert "0 received" in stats and "closed business R0,00" in stats
    assert "R4" not in stats
    assert (await activity(group, "bob"))["business"] == 0
    assert await rows(group, "SELECT * FROM closed_business") == []
    [export] = await group.messages("alice", "/rapport export")
    assert "0 referrals" in export.fallback() and "0 closed business reports" in export.fallback()
    assert "0 monthly totals" in export.fallback()
    # the history keeps what it was
    [kept] = await rows(
        group, "SELECT old_amount_cents, new_amount_cents, note FROM business_events"
    )
    assert kept == {
        "old_amount_cents": 480_000,
        "new_amount_cents": None,
        "note": "client backed out",
    }


async def test_a_referral_with_business_is_not_withdrawn_until_its_receiver_takes_it_out(
    group, messenger
):
    await group("alice", JANE)
    await group("bob", "/referrals update 1 won R700")
    for who in ("alice", "alice"):  # the giver, and (alice is also) the admin
        refused = await group(who, "/referrals withdraw 1 -- oops")
        assert "#1 has closed business recorded, so it can't be withdrawn" in refused
        assert "@bob takes it out first with /referrals amount 1 none -- why" in refused
    assert "more than zero" in (zero := await group("bob", "/referrals amount 1 R0 -- oops"))
    assert "To take the amount out, write none: /referrals amount 1 none -- why." in zero
    messenger.clear()
    reply = await group("bob", "/referrals amount 1 none -- never signed")
    assert "The closed business recorded for #1 (R700,00) is taken out" in reply
    assert "I've told @alice it was taken out, without the amount." in reply
    assert "• 30 Nov 2026: R700,00 taken out (never signed)" in reply
    [told] = texts(messenger, "alice")
    assert "@bob took out the closed business recorded for your referral Jane Roe (#1)" in told
    assert "700" not in told
    assert "closed business R0,00" in await group("bob", "/rapport stats")
    assert (await referral(group, 1)).amount_cents is None
    assert "is withdrawn" in await group("alice", "/referrals withdraw 1 -- oops")


async def test_business_recorded_with_a_thanks_alone_gets_a_name_to_correct_it_by(group, messenger):
    reply = await group("bob", "/thanks @alice R1 500 -- the Smiths' kitchen")
    assert f"Closed business of R1{NBSP}500,00 is recorded as B1" in reply
    assert "/referrals amount B1 <amount> -- why" in reply
    messenger.clear()
    fixed = await group("bob", "/referrals amount B1 R1 200 repeat -- a deposit, not the job")
    assert f"Closed business for B1 is now R1{NBSP}200,00 (was R1{NBSP}500,00)" in fixed
    assert "counted as repeat business" in fixed
    assert "I've told @alice it was corrected, without the amount." in fixed
    [told] = texts(messenger, "alice")
    assert "@bob corrected the closed business they recorded when they thanked you (B1)" in told
    assert "200" not in told and "500" not in told
    assert f"closed business R1{NBSP}200,00 (R1{NBSP}200,00 of it repeat)" in await group(
        "bob", "/rapport stats"
    )
    # the history can be read in chat, by the one who recorded it and nobody else
    shown = await group("bob", "/referrals amount B1")
    assert f"Closed business for B1: R1{NBSP}200,00, repeat business" in shown
    assert f"• 30 Nov 2026: R1{NBSP}500,00 → R1{NBSP}200,00, new → repeat business" in shown
    assert "(a deposit, not the job)" in shown
    for who in ("alice", "carol"):
        assert await refused(group, who, "/referrals amount B1") == "error"
        assert await refused(group, who, "/referrals amount B1 none -- mine now") == "error"
    assert "taken out" in await group("bob", "/referrals amount B1 none -- wrong person")
    assert await rows(group, "SELECT * FROM closed_business") == []


async def test_a_referrals_amount_and_its_history_can_be_read_in_chat(group):
    await group("alice", JANE)
    await group("bob", "/referrals update 1 won R4 800")
    await group("bob", "/referrals amount 1 R5 000 -- invoice")
    shown = await group("bob", "/referrals amount 1")
    assert f"Closed business for #1: R5{NBSP}000,00, new business, recorded 30 Nov 2026" in shown
    assert f"• 30 Nov 2026: R4{NBSP}800,00 → R5{NBSP}000,00 (invoice)" in shown
    assert await refused(group, "alice", "/referrals amount 1") == "error"


async def test_a_correction_of_new_or_repeat_alone_says_so_and_tells_the_giver_nothing(
    group, messenger
):
    await group("alice", JANE)
    await group("bob", "/referrals update 1 won R5 000")
    messenger.clear()
    reply = await group("bob", "/referrals amount 1 5000 repeat -- was repeat")
    assert reply.startswith(
        f"#1's closed business of R5{NBSP}000,00 now counts as repeat business (it was new)."
    )
    assert "(was R" not in reply and "I've told" not in reply
    assert messenger.sent == []
    assert "repeat" in await group("bob", "/referrals amount 1 new -- no, new after all")
    # recording it again points to the correction
    again = await group("bob", "/referrals update 1 won 1200")
    assert "#1 already has its closed business recorded." in again
    assert "/referrals amount 1 <amount> -- why" in again


# --- the giver corrects a referral or lead -----------------------------------------------------
async def test_a_lead_given_a_phone_becomes_a_referral_and_bob_gets_the_full_referral(
    group, messenger, core
):
    await group("alice", "/referral @bob Jane Roe -- a new geyser")
    assert (await referral(group, 1)).kind.value == "lead"
    messenger.clear()
    reply = await group("alice", "/referrals edit 1 082 555 1234")
    assert "#1 now has contact details, so it is a referral, and counts as one." in reply
    [dm] = messenger.dms_to("bob")
    assert dm.message.kind == "referral.received"
    assert "Phone: 082 555 1234" in dm.text and "Need: a new geyser" in dm.text
    r = await referral(group, 1)
    assert (r.kind.value, r.prospect, r.phone) == ("referral", "Jane Roe", "082 555 1234")
    async with core.repo.transaction() as tx:
        stats = await tx.numbers.stats(r.group_id, None, 0, 2**40)
        nudges = [d.kind for d in await tx.due.pending_of(r.group_id, 1)]
    assert (stats.referrals_given, stats.leads_given) == (1, 0)
    assert nudges == ["nudge.follow_up"]  # now chased like any referral


async def test_bob_is_told_what_changed_and_only_the_giver_edits_an_open_one(group, messenger):
    await group("alice", JANE)
    messenger.clear()
    reply = await group("alice", "/referrals edit 1 jane.roe@work.example -- two geysers heat:5")
    assert "#1 is corrected (email, need, heat). I've told @bob what changed." in reply
    [dm] = messenger.dms_to("bob")
    assert "@alice corrected their referral Jane Roe (#1): email, need, heat changed." in dm.text
    assert "Email: jane.roe@work.example" in dm.text and "Heat: 5/5" in dm.text
    assert await refused(group, "bob", "/referrals edit 1 Janet Roe") == "error"
    assert await refused(group, "carol", "/referrals edit 1 Janet") == "error"
    await group("bob", "/referrals update 1 lost -- went elsewhere")
    assert await refused(group, "alice", "/referrals edit 1 Janet Roe") == "error"
    assert (await referral(group, 1)).prospect == "Jane Roe"


async def test_an_edit_never_sends_details_to_a_receiver_who_left(group, messenger, core):
    await group("alice", "/referral @bob Jane Roe -- a geyser")
    await group("bob", "/rapport leave")
    messenger.clear()
    reply = await group("alice", "/referrals edit 1 082 555 1234")
    assert "@bob is no longer a member, so #1 can't be corrected" in reply
    assert "/referral @member" in reply and "/referrals withdraw 1 -- why" in reply
    assert messenger.sent == []
    r = await referral(group, 1)
    assert (r.kind.value, r.phone) == ("lead", None)
    async with core.repo.transaction() as tx:
        assert await tx.due.pending_of(r.group_id, 1) == []


@pytest.mark.parametrize(
    ("typed", "field", "value"),
    [
        ("email tim@tam.example", "email", "tim@tam.example"),
        ("email: tim@tam.example", "email", "tim@tam.example"),
        ("phone 082 555 9876", "phone", "082 555 9876"),
        ("name Timothy Tam", "prospect", "Timothy Tam"),
    ],
)
async def test_an_edit_reads_a_label_as_a_label_not_as_the_new_name(group, typed, field, value):
    await group("alice", "/referral @carol Tim Tam 082 555 1234 -- tax")
    reply = await group("alice", f"/referrals edit 1 {typed}")
    assert "#1 is corrected" in reply
    r = await referral(group, 1)
    assert getattr(r, field) == value
    assert r.prospect in ("Tim Tam", "Timothy Tam")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("bad@", "“bad@” looks like an email address but isn't one"),
        ("email", "“email” needs what it labels after it"),
        ("phone:", "“phone:” needs what it labels after it"),
    ],
)
async def test_an_edit_with_a_bad_or_missing_detail_is_refused_and_nothing_changes(
    group, messenger, typed, said
):
    await group("alice", "/referral @carol Tim Tam tim@tam.example -- tax")
    messenger.clear()
    assert said in await group("alice", f"/referrals edit 1 {typed}")
    assert (await referral(group, 1)).prospect == "Tim Tam" and messenger.sent == []


async def test_corrected_contact_details_reach_a_receiver_with_dms_off_and_replies_claim_no_dm(
    group, messenger
):
    await group("alice", "/referral @carol Tim Tam tim@tam.example -- tax")
    await group("carol", "/rapport profile dm off")
    messenger.clear()
    reply = await group("alice", "/referrals edit 1 tim.tam@work.example")
    assert "I've told @carol what changed." in reply
    [dm] = messenger.dms_to("carol")
    assert "Email: tim.tam@work.example" in dm.text  # the details go nowhere else
    # a withdrawal is not essential: carol isn't told, and the reply doesn't say she was
    messenger.clear()
    withdrawn = await group("alice", "/referrals withdraw 1 -- sent twice")
    assert "I've told" not in withdrawn
    assert "@carol has direct messages off, so they weren't told." in withdrawn
    assert messenger.dms_to("carol") == []


async def test_replies_name_only_who_was_told_of_an_amount_or_a_status(group, messenger):
    await group("alice", JANE)
    await group("alice", "/rapport profile dm off")
    await group("bob", "/referrals update 1 contacted")
    messenger.clear()
    moved = await group("bob", "/referrals update 1 won R900")
    assert "I've let" not in moved and "@alice has direct messages off" in moved
    fixed = await group("bob", "/referrals amount 1 R950 -- invoice")
    assert "I've told" not in fixed and "@alice has direct messages off" in fixed
    assert messenger.dms_to("alice") == []


async def test_an_edit_runs_the_duplicate_and_90_day_checks_of_a_new_referral(group, messenger):
    await group("dave", "/rapport join Electrician")
    await group("alice", JANE)  # #1, to bob
    await group("alice", "/referral @bob Tom Lee tom@lee.example -- a tap")  # #2, to bob
    await group("carol", "/referral @dave Sam Kay sam@kay.example -- wiring")  # #3, to dave
    messenger.clear()
    # #2 corrected to Jane's address: the pair already has her open as #1
    dup = await group("alice", "/referrals edit 2 jane@roe.example")
    assert "You already passed Jane Roe to @bob as #1, and it is still open" in dup
    assert (await referral(group, 2)).email == "tom@lee.example" and messenger.sent == []
    # #3 corrected to Jane, whom bob received lately: logged, and both receivers told
    told = await group("carol", "/referrals edit 3 Janey 082 555 1234")
    assert "#3 is corrected (name, phone)" in told
    assert "#1 already went to @bob for the same prospect in the last 90 days." in told
    assert "I've told @dave and @bob, so they can agree who calls." in told
    assert any("Heads-up about Jane Roe (#1)" in t for t in texts(messenger, "bob"))
    assert any("Heads-up about Janey (#3)" in t for t in texts(messenger, "dave"))
    # a later correction of the same prospect does not tell them again
    messenger.clear()
    again = await group("carol", "/referrals edit 3 Janey Roe -- wiring and a geyser")
    assert "#3 is corrected (name, need)" in again and "Heads-up" not in again
    assert not any("Heads-up" in s.text for s in messenger.sent)


async def test_a_heat_correction_moves_the_first_follow_up(group, messenger, core, clock):
    await group("alice", "/referral @bob Jane Roe jane@roe.example -- a geyser heat:1")
    assert "is corrected (heat)" in await group("alice", "/referrals edit 1 heat:5")
    messenger.clear()
    clock.advance(hours=4)  # heat 5 follows up after 4 h, not heat 1's 7 days
    await core.run_due(clock.now())
    await core.settle()
    [nudge] = messenger.dms_to("bob")
    assert nudge.text.startswith("Follow up now: @alice's referral Jane Roe (#1)")


async def test_the_90_day_heads_up_names_who_was_told_not_the_giver(group, messenger):
    await group("dave", "/rapport join Electrician")
    await group("alice", JANE)
    await group("bob", "/rapport profile dm off")
    reply = await group("carol", "/referral @dave Janey R. 082 555 1234 -- wiring")
    assert "you both" not in reply
    assert "I've told @dave; @bob has direct messages off, so let them know yourself." in reply


# --- withdrawing ---------------------------------------------------------------------------------
async def test_a_withdrawn_referral_counts_nowhere_and_its_nudges_stop(
    group, messenger, core, clock
):
    await group("alice", JANE)
    await group("alice", "/referral @bob Tom Lee tom@lee.example")
    messenger.clear()
    reply = await group("alice", "/referrals withdraw 2 -- Tom asked not to be called")
    assert "#2 is withdrawn: it no longer counts anywhere" in reply
    [dm] = messenger.dms_to("bob")
    assert "@alice withdrew the referral Tom Lee (#2): Tom asked not to be called." in dm.text
    assert "#2 referral to @bob: Tom Lee — withdrawn" in await group("alice", "/referrals")
    assert "#2" not in await group("bob", "/referrals open")
    assert "1 referral given" in await group("alice", "/rapport stats")
    assert "1. @alice — 1 referral" in await group("alice", "/rapport leaderboard week")
    [history] = await rows(group, "SELECT status, note FROM referral_events WHERE referral_id = 2")
    assert history == {"status": "withdrawn", "note": "Tom asked not to be called"}
    export = (await group.messages("alice", "/rapport export"))[0]
    assert "Export of" in export.fallback() and "1 referral," in export.fallback()
    messenger.clear()
    clock.advance(days=30)
    await core.run_due(clock.now())
    assert not [s for s in messenger.dms_to("bob") if "Tom Lee" in s.text]
    assert "#2 was withdrawn, so it can't change." in await group(
        "bob", "/referrals update 2 contacted"
    )


async def test_an_admin_may_withdraw_someone_elses_referral_and_the_giver_hears(group, messenger):
    await group("bob", "/referral @carol Sam Kay 021 555 9876")
    messenger.clear()
    assert "Only @bob, who gave #1, or an admin can withdraw it." in await group(
        "carol", "/referrals withdraw 1 -- not mine"
    )
    assert "is withdrawn" in await group("alice", "/referrals withdraw 1 -- logged twice")
    # carol, who received it, and bob, who gave it, are told; the channel is not
    assert [s.to for s in messenger.sent] == [user("carol"), user("bob")]
    assert "@alice withdrew the referral Sam Kay (#1): logged twice." in texts(messenger, "bob")[0]


# --- the same prospect twice ---------------------------------------------------------------------
async def test_the_same_prospect_to_the_same_member_while_open_is_refused_as_a_duplicate(
    group, messenger
):
    await group("alice", JANE)
    messenger.clear()
    reply = await group("alice", "/referral @bob J. Roe JANE@roe.example -- also a tap")
    assert "You already passed Jane Roe to @bob as #1, and it is still open" in reply
    assert "/referrals edit 1" in reply and "/referrals withdraw 1 -- why" in reply
    assert "You already passed" in await group("alice", "/referral @bob Jane 0825551234")
    assert messenger.sent == []
    # with no contact details, the same name is the same prospect
    await group("alice", "/lead @bob Acme Roofing")
    messenger.clear()
    assert "You already passed Acme Roofing" in await group("alice", "/lead @bob acme  roofing")
    assert messenger.sent == []
    assert len(await rows(group, "SELECT id FROM referrals")) == 2
    # once the first is closed, the same prospect may come again
    await group("bob", "/referrals update 1 lost -- went elsewhere")
    assert "Referral #3 to @bob is logged" in await group("alice", JANE)


async def test_a_prospect_another_member_received_lately_is_logged_and_both_receivers_told(
    group, messenger
):
    await group("dave", "/rapport join Electrician")
    await group("alice", JANE)
    messenger.clear()
    reply = await group("carol", "/referral @dave Janey R. 082 555 1234 -- wiring, she's lovely")
    assert "Referral #2 to @dave is logged" in reply
    assert "#1 already went to @bob for the same prospect in the last 90 days." in reply
    [to_bob] = texts(messenger, "bob")
    [_referral_itself, to_dave] = texts(messenger, "dave")
    assert to_bob.startswith("Heads-up about Jane Roe (#1): the same prospect was also referred")
    assert "to @dave (#2)" in to_bob
    assert to_dave.startswith("Heads-up about Janey R. (#2): the same prospect was also referred")
    assert "to @bob (#1)" in to_dave
    # nobody learns a detail they did not have: bob not carol's words, dave not alice's
    assert "lovely" not in to_bob and "wiring" not in to_bob and "Janey" not in to_bob
    assert (
        "geyser" not in to_dave and "jane@roe.example" not in to_dave and "Jane Roe" not in to_dave
    )
    assert "geyser" not in reply and "jane@roe.example" not in reply
    assert [r["note"] for r in await rows(group, "SELECT note FROM referral_events")] == [
        "#1",
        "#2",
    ]


# --- contacts as people paste them ---------------------------------------------------------------
async def test_pasted_addresses_and_numbers_are_read_whole(group, messenger):
    reply = await group(
        "alice", "/referral @bob Seán O'Brien sean.o'brien+mortgage@example.ie -- a mortgage"
    )
    assert "Referral #1 to @bob is logged: Seán O'Brien." in reply
    await group("alice", "/referral @carol Jane Roe <jane@roe.example> -- roof")
    await group("bob", "/referral @carol Guy Man mailto:guy@example.com -- gutters")
    found = await rows(group, "SELECT prospect, email, phone, need FROM referrals ORDER BY id")
    assert [(r["prospect"], r["email"]) for r in found] == [
        ("Seán O'Brien", "sean.o'brien+mortgage@example.ie"),
        ("Jane Roe", "jane@roe.example"),
        ("Guy Man", "guy@example.com"),
    ]


@pytest.mark.parametrize(
    ("typed", "email", "phone"),
    [
        ("Jane Roe email: jane@roe.example cell: 082 555 0134", "jane@roe.example", "082 555 0134"),
        ("Jane Roe (jane@roe.example / 082 555 0134)", "jane@roe.example", "082 555 0134"),
        ("Jane Roe 082 555 0134 or 083 555 9876", None, "082 555 0134"),
        ("Jane Roe tel:+27825550134", None, "+27 82 555 0134"),
        ("Jane Roe 021 555 0134 ext. 12", None, "021 555 0134 ext. 12"),
        ("Jane Roe, mobile 082 555 0134", None, "082 555 0134"),
    ],
)
async def test_labels_and_brackets_pasted_around_details_stay_out_of_the_name(
    group, messenger, typed, email, phone
):
    reply = await group("alice", f"/referral @bob {typed} -- a geyser")
    assert "Referral #1 to @bob is logged: Jane Roe." in reply
    r = await referral(group, 1)
    assert (r.prospect, r.email, r.phone) == ("Jane Roe", email, phone)
    [dm] = messenger.dms_to("bob")
    assert "passed you a referral: Jane Roe." in dm.text and "Prospect: Jane Roe\n" in dm.text


async def test_a_reference_number_before_the_need_is_refused_saying_where_it_goes(group, messenger):
    reply = await group("alice", "/referral @bob Jane Smith, 2 Acacia Ave, ref 20261102")
    assert "I can't read “20261102” as a phone number" in reply
    assert "read as one in this group's country, South Africa" in reply and "ZA" not in reply
    assert "If it is a reference or order number, put it after -- with the need" in reply
    assert await rows(group, "SELECT id FROM referrals") == [] and messenger.sent == []


async def test_an_order_number_is_no_phone_and_of_two_phones_the_reply_names_the_one_taken(group):
    reply = await group(
        "alice", "/referral @bob Jane Roe 082 555 1234 -- order 4400123456789, call after five"
    )
    assert "Referral #1 to @bob is logged" in reply and "phone numbers" not in reply
    two = await group("alice", "/referral @carol Tom Lee 082 555 9876 / 021 555 0199 -- a roof")
    assert "I found 2 phone numbers and took 082 555 9876 as the prospect's phone" in two
    found = await rows(group, "SELECT prospect, phone, need FROM referrals ORDER BY id")
    assert found == [
        {
            "prospect": "Jane Roe",
            "phone": "082 555 1234",
            "need": "order 4400123456789, call after five",
        },
        {"prospect": "Tom Lee", "phone": "082 555 9876", "need": "a roof also 021 555 0199"},
    ]


async def test_an_address_that_is_not_one_is_named_and_nothing_stored(group, messenger):
    reply = await group("alice", "/referral @bob Jane Roe jane@@roe -- a tap")
    assert "“jane@@roe” looks like an email address but isn't one" in reply
    assert await rows(group, "SELECT id FROM referrals") == [] and messenger.sent == []


# --- heat ---------------------------------------------------------------------------------------
async def test_heat_with_a_space_or_at_the_end_of_the_need_is_the_heat(group, messenger):
    await group("alice", "/referral @bob Jane Roe 082 555 1234 heat: 4 -- a geyser")
    await group("alice", "/referral @carol Tom Lee 082 555 9876 -- leaking roof heat 5")
    found = await rows(group, "SELECT heat, heat_given, need FROM referrals ORDER BY id")
    assert found == [
        {"heat": 4, "heat_given": 1, "need": "a geyser"},
        {"heat": 5, "heat_given": 1, "need": "leaking roof"},
    ]
    assert "Heat: 5/5 (ready to buy)" in texts(messenger, "carol")[0]


# --- forget-me keeps other members' work --------------------------------------------------------
async def test_a_forgotten_giver_leaves_the_prospect_with_the_receiver_still_working_it(
    group, messenger, core, clock
):
    await group("bob", JANE.replace("@bob", "@carol"))
    await group("bob", "/forget-me confirm")
    reply = await group("carol", "/referrals")
    assert "#1 referral from a former member: Jane Roe — open" in reply
    r = await referral(group, 1)
    assert (r.prospect, r.email, r.phone, r.need) == (
        "Jane Roe",
        "jane@roe.example",
        "082 555 1234",
        "a new geyser",
    )
    messenger.clear()
    clock.advance(days=2)
    await core.run_due(clock.now())
    [nudge] = messenger.dms_to("carol")
    assert "Follow up now: a former member's referral Jane Roe (#1)" in nudge.text
    # nobody's name is on the line any more, and nobody is told of a status change
    assert "name on the line" not in nudge.text and "a former member put" not in nudge.text
    moved = await group("carol", "/referrals update 1 meeting")
    assert moved == "#1 is now meeting booked."
    clock.advance(days=15)
    messenger.clear()
    await core.run_due(clock.now())
    await core.settle()
    [progress] = messenger.dms_to("carol")
    assert "former member passed it" not in progress.text and "goes to them" not in progress.text


async def test_an_open_referral_whose_receiver_is_forgotten_is_closed_and_the_giver_told(
    group, messenger
):
    await group("alice", JANE)
    await group("alice", "/referral @bob Tom Lee tom@lee.example")
    await group("bob", "/referrals update 2 won R900")
    messenger.clear()
    assert "personal data is erased" in await group("bob", "/forget-me confirm")
    [told] = texts(messenger, "alice")
    assert told.startswith(
        "Your referral Jane Roe (#1) went to a member whose data has been erased"
    )
    assert "bob" not in told
    listed = await group("alice", "/referrals")
    assert (
        "#1 referral to a former member: Jane Roe — closed (the receiver's data was erased)"
        in listed
    )
    # what alice passed is alice's record: whom she referred stays in her list
    assert "#2 referral to a former member: Tom Lee — won" in listed
    assert "2 referrals given" in await group("alice", "/rapport stats")
