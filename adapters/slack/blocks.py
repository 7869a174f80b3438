"""The core's OutMessage as Block Kit: a header (title), sections (text), field sections,
the buttons, and beside them the typed command each button stands for.

Slack's limits are enforced here, where the format lives: 150 characters in a header, 3,000
in a section, 10 fields a section, 75 characters on a button, 25 buttons in an actions block.
"""

from __future__ import annotations

from typing import Any

from adapters.slack.mrkdwn import escape, to_mrkdwn
from bot.out import Action, OutMessage

Block = dict[str, Any]

ACTIONS = "rapport.actions"
COMMANDS = "rapport.commands"
OUTCOME = "rapport.outcome"

HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
FIELDS_PER_SECTION = 10
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
BUTTONS_MAX = 25
TEXT_MAX = 3900  # a message's notification text; Slack truncates far later, people sooner


def clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def fallback_text(message: OutMessage) -> str:
    """The `text` of a message with blocks: what notifications and old clients show."""
    return clip(to_mrkdwn(message.body()), TEXT_MAX)


def message_blocks(message: OutMessage, n: int = 0) -> list[Block]:
    """`n` numbers the message within one Slack message: block ids must be unique there."""
    blocks: list[Block] = []
    if message.title:
        blocks.append(
            {
                "type": "header",
                "text": {"type": "plain_text", "text": clip(message.title, HEADER_MAX)},
            }
        )
    blocks.extend(_sections(to_mrkdwn(message.text)))
    fields = [
        {"type": "mrkdwn", "text": clip(f"*{escape(f.name)}*\n{to_mrkdwn(f.value)}", FIELD_MAX)}
        for f in message.fields
    ]
    for i in range(0, len(fields), FIELDS_PER_SECTION):
        blocks.append({"type": "section", "fields": fields[i : i + FIELDS_PER_SECTION]})
    buttons = [_button(a) for a in message.actions[:BUTTONS_MAX]]
    blocks.extend(_actions(buttons, n))
    return blocks


def replies_blocks(messages: list[OutMessage]) -> tuple[str, list[Block]]:
    """Several replies as one ephemeral message (a response_url takes five posts at most)."""
    blocks: list[Block] = []
    for i, m in enumerate(messages):
        if i:
            blocks.append({"type": "divider"})
        blocks.extend(message_blocks(m, i))
    text = "\n\n".join(fallback_text(m) for m in messages)
    return clip(text, TEXT_MAX), blocks


def after_click(blocks: list[Block], clicked: str, outcome: OutMessage) -> list[Block]:
    """The clicked message, updated: the clicked button is gone and the outcome is shown
    where the buttons were, so a second click cannot repeat it and the DM shows its state.
    The other buttons stay; the core refuses any that no longer apply."""
    kept: list[Block] = []
    buttons: list[Block] = []
    for block in blocks:
        if str(block.get("block_id", "")).startswith((OUTCOME, COMMANDS)):
            continue
        if block.get("type") == "actions":
            buttons.extend(e for e in block.get("elements", []) if e.get("action_id") != clicked)
            continue
        kept.append(block)
    line = clip("✓ " + to_mrkdwn(outcome.text), SECTION_MAX)
    kept.append(
        {"type": "context", "block_id": OUTCOME, "elements": [{"type": "mrkdwn", "text": line}]}
    )
    kept.extend(_actions(buttons))
    return kept


def plain_of(blocks: list[Block]) -> str:
    """A notification text for an updated message, taken from its own sections."""
    for b in blocks:
        if b.get("type") == "section" and isinstance(b.get("text"), dict):
            return str(b["text"].get("text", ""))
    return "Updated."


def _sections(text: str) -> list[Block]:
    """Split on line breaks so a long text never cuts a <…> token in two."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= SECTION_MAX:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = clip(line, SECTION_MAX)
    if current.strip():
        chunks.append(current)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": c}} for c in chunks]


def _button(a: Action) -> Block:
    button: Block = {
        "type": "button",
        "action_id": a.action_id,
        "text": {"type": "plain_text", "text": clip(a.label, BUTTON_TEXT_MAX)},
        # the typed equivalent, so the "or type" line can be rebuilt after a click
        "value": clip(to_mrkdwn(a.command), BUTTON_VALUE_MAX),
    }
    if a.style in ("primary", "danger"):
        button["style"] = a.style
    return button


def _actions(buttons: list[Block], n: int = 0) -> list[Block]:
    """The buttons, then every button's typed equivalent: anything clickable is typeable."""
    if not buttons:
        return []
    suffix = f".{n}" if n else ""
    lines = [f"{escape(b['text']['text'])}: {b.get('value', '')}" for b in buttons]
    commands = clip("Or type:\n" + "\n".join(lines), SECTION_MAX)
    return [
        {"type": "actions", "block_id": ACTIONS + suffix, "elements": buttons},
        {
            "type": "context",
            "block_id": COMMANDS + suffix,
            "elements": [{"type": "mrkdwn", "text": commands}],
        },
    ]
