"""Alice refers Jane to Bob with /referral: Bob's DM is an embed with the prospect's details and
persistent buttons, the channel sees only who gave to whom, Alice's answer is private. With
only the member given, a form opens instead; a bad field is named and nothing is stored."""

from __future__ import annotations

from tests.discord_adapter.conftest import buttons, rows, text
from tests.discord_adapter.fake_discord import GUILD_ID
from tests.discord_adapter.payloads import ALICE, BOB, slash, submit

EPHEMERAL = 64


async def test_bob_gets_a_dm_embed_with_jane_s_details_and_the_actions(group, discord_api):
    payload = await group.send(
        slash(
            ALICE,
            "referral",
            member=BOB,
            prospect="Jane Roe",
            email="jane@roe.example",
            phone="082 555 1234",
            need="a new geyser",
            heat=4,
        )
    )
    # answered at once with a private "thinking…", then the reply replaced it
    [first, *_] = discord_api.interaction(payload).callbacks
    assert first == {"type": 5, "data": {"flags": EPHEMERAL}}
    [reply] = discord_api.private_replies(payload)
    assert reply["flags"] & EPHEMERAL
    assert text(reply).startswith(f"Referral #1 to {BOB.mention} is logged: Jane Roe.")
    assert "Send the introduction email: `mailto:jane@roe.example" in text(reply)

    [dm] = discord_api.dms_to(BOB.id)
    [embed] = dm["embeds"]
    assert embed["title"] == "New referral from Alice"
    assert embed["description"].startswith(f"{ALICE.mention} passed you a referral: Jane Roe.")
    assert [(f["name"], f["value"]) for f in embed["fields"]] == [
        ("Prospect", "Jane Roe"),
        ("Email", "jane@roe.example"),
        ("Phone", "082 555 1234"),
        ("Need", "a new geyser"),
        ("Heat", "4/5 (hot)"),
        ("Id", "#1"),
    ]
    assert embed["footer"]["text"].startswith("Or type: /referrals update 1 contacted · ")
    assert buttons(dm) == [
        ("Contacted", False),
        ("Meeting booked", False),
        ("Won", False),
        ("No sale", False),
        ("Snooze 1 day", False),
    ]
    ids = [c["custom_id"] for row in dm["components"] for c in row["components"]]
    assert ids[0] == f"rapport:{GUILD_ID}:ref:1:contacted"
    assert ids[-1] == f"rapport:{GUILD_ID}:ref:1:snooze:1d"

    # the channel hears who gave to whom, never Jane's details
    post = discord_api.posts()[-1]
    assert post["content"] == f"{ALICE.mention} passed a referral to {BOB.mention}."
    assert post["embeds"] == []
    [stored] = await rows(group, "SELECT kind, prospect, email, phone, heat FROM referrals")
    assert stored == {
        "kind": "referral",
        "prospect": "Jane Roe",
        "email": "jane@roe.example",
        "phone": "082 555 1234",
        "heat": 4,
    }


async def test_only_a_member_opens_a_form_and_submitting_it_logs_the_referral(group, discord_api):
    opened = await group.send(slash(ALICE, "referral", member=BOB, heat=5))
    [callback] = discord_api.interaction(opened).callbacks
    assert callback["type"] == 9  # MODAL
    form = callback["data"]
    assert form["title"] == "Referral for Bob"
    assert discord_api.dms_to(BOB.id) == []  # nothing happens until the form comes back

    sent = await group.send(
        submit(
            ALICE,
            form,
            {
                "Prospect's name": "Jane Roe",
                "Prospect's phone": "082 555 1234",
                "What they need": "geyser burst, wants a quote this week",
            },
        )
    )
    [reply] = discord_api.private_replies(sent)
    assert text(reply).startswith(f"Referral #1 to {BOB.mention} is logged: Jane Roe.")
    [dm] = discord_api.dms_to(BOB.id)
    fields = {f["name"]: f["value"] for f in dm["embeds"][0]["fields"]}
    # the heat chosen in the command carried into the form
    assert fields["Heat"] == "5/5 (ready to buy)"
    assert fields["Need"] == "geyser burst, wants a quote this week"


async def test_a_form_with_bad_fields_names_them_and_stores_nothing(group, discord_api):
    opened = await group.send(slash(ALICE, "referral", member=BOB))
    form = discord_api.interaction(opened).callbacks[0]["data"]
    sent = await group.send(
        submit(
            ALICE,
            form,
            {
                "Prospect's name": "Jane Roe",
                "Prospect's email": "jane@",
                "Heat: 1 (cool) to 5 (ready to buy)": "9",
            },
        )
    )
    [reply] = discord_api.private_replies(sent)
    assert reply["flags"] & EPHEMERAL
    assert text(reply) == (
        "Please check:\n"
        "**Email**: That is not an email address, e.g. jane@example.com.\n"
        "**Heat**: Heat is 1 (cool) to 5 (ready to buy).\n"
        "Nothing was saved."
    )
    assert await rows(group, "SELECT id FROM referrals") == []
    assert discord_api.dms_to(BOB.id) == []


async def test_a_prospect_without_email_or_phone_is_recorded_as_a_lead(group, discord_api):
    [reply] = await group.type(ALICE, "referral", member=BOB, prospect="Harbour View")
    assert reply.startswith(f"Recorded as lead #1 to {BOB.mention}, not a referral")
    [dm] = discord_api.dms_to(BOB.id)
    assert dm["embeds"][0]["title"] == "New lead from Alice"


async def test_a_lead_and_a_one_to_one_build_the_same_commands(group, discord_api):
    [lead] = await group.type(
        ALICE, "lead", member=BOB, business="Acme Roofing", details="their office needs a plumber"
    )
    assert lead == f"Lead #1 to {BOB.mention} is logged: Acme Roofing."
    [one] = await group.type(BOB, "onetoone", member=ALICE, note="coffee at Rio")
    assert (
        one
        == f"Your 1-2-1 with {ALICE.mention} is logged. I've asked {ALICE.mention} to log it too."
    )
    [ask] = discord_api.dms_to(ALICE.id)
    assert [label for label, _ in buttons(ask)] == ["Log it too"]
    assert await rows(group, "SELECT kind, prospect, need FROM referrals") == [
        {"kind": "lead", "prospect": "Acme Roofing", "need": "their office needs a plumber"}
    ]
