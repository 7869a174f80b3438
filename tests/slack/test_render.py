"""The core's rich text and messages as Slack sees them: escaped, pinging only whom the core
allows, times as date tokens, and Block Kit within Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.slack.blocks import after_click, fallback_text, replies_messages, slack_messages
from adapters.slack.mrkdwn import to_mrkdwn, user_text
from bot.model import UserRef
from bot.out import Action, Field, OutMessage
from bot.text import Link, Mention, Rich, UserText, When, lit

BOB = UserRef("slack", "T0RAPPORT", "U0BOB", "Bob *the* <Plumber>")


def test_bot_text_and_user_text_are_escaped():
    rich = Rich(("Use /referrals update <id> & ", UserText("<!everyone> & <@U0CAROL|carol>")))
    assert to_mrkdwn(rich) == (
        "Use /referrals update &lt;id&gt; &amp; &lt;!everyone&gt; &amp; &lt;@U0CAROL|carol&gt;"
    )


def test_user_text_cannot_switch_formatting_on_but_keeps_an_emails_underscore():
    assert user_text("*Jane* _Roe_ ~x~ `rm`") == "∗Jane∗ ˍRoeˍ ∼x∼ ˋrmˋ"
    assert user_text("jane_roe@x.example") == "jane_roe@x.example"


def test_only_pinging_mentions_become_slack_mentions():
    rich = Rich((Mention(BOB), " and ", Mention(BOB, ping=False)))
    assert to_mrkdwn(rich) == "<@U0BOB> and @Bob ∗the∗ &lt;Plumber&gt;"


def test_times_are_date_tokens_with_the_groups_time_as_fallback():
    at = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
    rich = Rich((When(at, "Africa/Johannesburg"),))
    assert to_mrkdwn(rich) == (
        f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|Wed 2 Dec 07:00>"
    )


def test_links_keep_their_label_and_cannot_break_out():
    link = Link("mailto:jane@roe.example?subject=Hi&body=a|b>c", "Send <it>")
    assert to_mrkdwn(Rich((link,))) == (
        "<mailto:jane@roe.example?subject=Hi&amp;body=a%7Cb%3Ec|Send &lt;it&gt;>"
    )


def test_a_message_becomes_header_sections_fields_and_buttons():
    message = OutMessage(
        text=lit("Bob passed you a referral."),
        title="New referral from Bob",
        fields=(Field("Prospect", Rich((UserText("Jane"),))), Field("Heat", lit("4/5"))),
        actions=(
            Action("Contacted", "ref:1:contacted", lit("/referrals update 1 contacted"), "primary"),
        ),
    )
    [part] = slack_messages(message)
    assert part.blocks == [
        {"type": "header", "text": {"type": "plain_text", "text": "New referral from Bob"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "Bob passed you a referral."}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Prospect*\nJane"},
                {"type": "mrkdwn", "text": "*Heat*\n4/5"},
            ],
        },
        {
            "type": "actions",
            "block_id": "rapport.actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "ref:1:contacted",
                    "text": {"type": "plain_text", "text": "Contacted"},
                    "value": "/referrals update 1 contacted",
                    "style": "primary",
                }
            ],
        },
        {
            "type": "context",
            "block_id": "rapport.commands",
            "elements": [
                {"type": "mrkdwn", "text": "Or type:\nContacted: /referrals update 1 contacted"}
            ],
        },
    ]
    assert fallback_text(message) == "Bob passed you a referral.\nProspect: Jane\nHeat: 4/5"


def test_slack_limits_are_kept():
    long_line = "x" * 2000
    message = OutMessage(
        text=lit("\n".join([long_line] * 4)),
        title="T" * 200,
        fields=tuple(Field(f"F{i}", lit("v")) for i in range(12)),
        actions=(Action("L" * 90, "a:1", lit("/x")),),
    )
    [part] = slack_messages(message)
    blocks = part.blocks
    assert len(blocks[0]["text"]["text"]) == 150
    sections = [b for b in blocks if b["type"] == "section" and "text" in b]
    assert [len(s["text"]["text"]) for s in sections] == [2000, 2000, 2000, 2000]
    assert [len(b["fields"]) for b in blocks if "fields" in b] == [10, 2]
    [button] = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(button["text"]["text"]) == 75


def test_several_replies_share_one_message_with_unique_block_ids():
    act = Action("Go", "go:1", lit("/go"))
    [part] = replies_messages(
        [OutMessage(lit("One"), actions=(act,)), OutMessage(lit("Two"), actions=(act,))]
    )
    text, blocks = part.text, part.blocks
    assert text == "One\nTwo"
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(ids) == len(set(ids)) == 4
    assert {"type": "divider"} in blocks


def test_after_a_click_the_button_gives_way_to_the_outcome():
    message = OutMessage(
        lit("Referral"),
        actions=(
            Action("Contacted", "ref:1:contacted", lit("/referrals update 1 contacted")),
            Action("Won", "ref:1:won", lit("/referrals update 1 won")),
        ),
    )
    outcome = OutMessage(Rich(("#1 is now contacted. I've let ", Mention(BOB), " know.")))
    updated = after_click(slack_messages(message)[0].blocks, "ref:1:contacted", outcome)
    assert [b["type"] for b in updated] == ["section", "context", "actions", "context"]
    assert updated[1]["elements"][0]["text"] == "✓ #1 is now contacted. I've let <@U0BOB> know."
    assert [e["action_id"] for e in updated[2]["elements"]] == ["ref:1:won"]
    assert updated[3]["elements"][0]["text"] == "Or type:\nWon: /referrals update 1 won"
    # a second outcome replaces the first; with no buttons left, none are shown
    again = after_click(updated, "ref:1:won", OutMessage(lit("#1 is now won.")))
    assert [b["type"] for b in again] == ["section", "context"]
    assert again[1]["elements"][0]["text"] == "✓ #1 is now won."
