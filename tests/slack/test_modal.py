"""The referral form: /referral with no text opens a modal; the core's field rules answer
beside the fields (response_action: errors); a good form logs the referral and the answer
reaches Alice where she typed /referral."""

from __future__ import annotations

import json

from tests.slack.conftest import ALICE, BOB, HELPER
from tests.slack.payloads import form_values
from tests.slack.test_commands import rows


def errors_of(response) -> dict[str, str]:
    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    return body["errors"]


async def test_an_empty_referral_opens_the_form(group, fake):
    result = await group.type(ALICE, "/referral", trigger="13345224609.738474920.form")
    assert (result.status, result.response.body, result.posts) == (200, "", [])
    [opened] = fake.calls_to("views.open")
    assert opened["trigger_id"] == "13345224609.738474920.form"
    view = opened["view"]
    assert view["type"] == "modal"
    inputs = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    assert inputs == {
        "member": "users_select",
        "prospect": "plain_text_input",
        "email": "plain_text_input",
        "phone": "plain_text_input",
        "need": "plain_text_input",
        "heat": "static_select",
        "inside": "checkboxes",
    }
    heat = next(b for b in view["blocks"] if b["block_id"] == "heat")["element"]
    assert [o["value"] for o in heat["options"]] == ["1", "2", "3", "4", "5"]
    inside = next(b for b in view["blocks"] if b["block_id"] == "inside")["element"]
    assert inside["options"][0]["text"]["text"] == "The prospect is a member of this group"


async def test_a_bad_email_is_answered_beside_the_field_and_nothing_is_stored(group, slack, fake):
    await group.type(ALICE, "/referral")
    response = await group.submit(
        ALICE, form_values(member="U0BOB", prospect="Jane Roe", email="jane-at-roe")
    )
    assert response.status == 200
    assert errors_of(response) == {"email": "That is not an email address, e.g. jane@example.com."}
    assert await rows(slack, "SELECT id FROM referrals") == []
    assert fake.calls_to("chat.postMessage") == []


async def test_every_bad_field_is_named_at_once(group):
    await group.type(ALICE, "/referral")
    response = await group.submit(ALICE, form_values(member=None, prospect="", phone="12"))
    assert set(errors_of(response)) == {"member", "prospect", "phone"}


async def test_a_bot_picked_as_the_member_is_refused_beside_the_field(group, slack):
    await group.type(ALICE, "/referral")
    response = await group.submit(
        ALICE, form_values(member=HELPER["id"], prospect="Jane Roe", email="jane@roe.example")
    )
    assert errors_of(response) == {
        "member": "Pick a person: bots and deactivated accounts can't receive referrals."
    }
    assert await rows(slack, "SELECT id FROM referrals") == []


async def test_a_good_form_logs_the_referral_and_answers_where_it_was_opened(group, slack, fake):
    opened = await group.type(ALICE, "/referral")
    response = await group.submit(
        ALICE,
        form_values(
            member="U0BOB",
            prospect="Jane Roe",
            email="jane@roe.example",
            phone="082 555 1234",
            need="A burst geyser",
            heat="5",
            inside=True,
        ),
    )
    assert (response.status, response.body) == (200, "")  # closes the modal
    assert await rows(
        slack,
        "SELECT kind, prospect, email, phone, need, heat, inside, giver_id, receiver_id FROM referrals",
    ) == [
        {
            "kind": "referral",
            "prospect": "Jane Roe",
            "email": "jane@roe.example",
            "phone": "082 555 1234",
            "need": "A burst geyser",
            "heat": 5,
            "inside": 1,
            "giver_id": 1,
            "receiver_id": 2,
        }
    ]
    # Alice's answer comes through the response_url of the /referral she typed
    [answer] = fake.responses(opened.key)
    assert answer["response_type"] == "ephemeral"
    assert "Referral #1 to <@U0BOB> is logged: Jane Roe." in answer["text"]
    [dm] = group.dms(BOB)
    assert "the prospect is a member of this group" in group.seen(dm)
    assert group.channel_texts() == ["@Alice passed a referral to @Bob."]


async def test_a_submission_delivered_twice_logs_one_referral(group, slack):
    await group.type(ALICE, "/referral")
    values = form_values(member="U0BOB", prospect="Jane Roe", email="jane@roe.example")
    await group.submit(ALICE, values, view_id="V0TWICE")
    await group.submit(ALICE, values, view_id="V0TWICE")
    assert len(await rows(slack, "SELECT id FROM referrals")) == 1
    assert len(group.dms(BOB)) == 1


async def test_pings_typed_into_the_form_are_shown_escaped(group, fake):
    await group.type(ALICE, "/referral")
    await group.submit(
        ALICE,
        form_values(member="U0BOB", prospect="<!channel> *Jane* <@U0CAROL>", email="j@roe.example"),
    )
    [dm] = group.dms(BOB)
    fields = dm["blocks"][2]["fields"]
    assert fields[0]["text"] == "*Prospect*\n&lt;!channel&gt; ∗Jane∗ &lt;@U0CAROL&gt;"
    sent = json.dumps(
        [c.args for c in fake.calls if c.method in ("chat.postMessage", "response_url")]
    )
    assert "<!channel>" not in sent and "<@U0CAROL>" not in sent
