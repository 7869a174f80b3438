"""The core's OutMessage as Block Kit: a header (title), sections (text), field sections,
the buttons, and beside them the typed command each button stands for.

Slack's limits are kept here, where the format lives, counted as Slack counts (mrkdwn.length:
escaped, in UTF-16 units): 3,000 in a section, 10 fields of 2,000 a section, 50 blocks and
about 12,000 characters of blocks a message (more is refused, `msg_blocks_too_long`). A long
message is spread over as many Slack messages as it needs, each whole, in order: texts and
fields are split where bot/split.py says (never inside a mention, a link or a word), a field
carried on is named "(continued)", and the buttons come with the last part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from adapters.slack.mrkdwn import escape, length, measure, to_mrkdwn
from bot.messages import continued
from bot.out import Action, OutMessage
from bot.split import split
from bot.text import Rich, lit

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
BLOCKS_MAX = 50
# Slack refuses a message whose blocks hold more than about 12,000 characters in all
# (`msg_blocks_too_long`, slackapi/bolt-js #2509 and #2867); every text and button value counts
BLOCKS_TEXT_MAX = 12000
TEXT_MAX = 3900  # a message's notification text; Slack truncates far later, people sooner


@dataclass
class SlackMessage:
    """One chat.postMessage (or response_url post): its notification text and its blocks."""

    text: str
    blocks: list[Block]


def clip(text: str, most: int) -> str:
    """For labels only (a header, a button, whose words are also in full beside them): a
    text is split, not cut. Whole graphemes, counted as Slack counts."""
    if length(text) <= most:
        return text
    kept = ""
    for g in regex.findall(r"\X", text):
        if length(kept + g) > most - 1:
            break
        kept += g
    return kept + "…"


@dataclass
class _Element:
    """A block, or one field of a fields section, with what it costs against the message's
    12,000 and the words it adds to the notification text."""

    block: Block
    cost: int
    words: Rich | None = None
    field: bool = False


def slack_messages(message: OutMessage) -> list[SlackMessage]:
    """`message` as the Slack messages that show it whole."""
    return _pack(_elements(message, 0))


def replies_messages(messages: list[OutMessage]) -> list[SlackMessage]:
    """Several replies in as few messages as Slack allows (a response_url takes five posts
    at most), each reply after a divider."""
    elements: list[_Element] = []
    for i, m in enumerate(messages):
        if i:
            elements.append(_Element({"type": "divider"}, 0))
        elements.extend(_elements(m, i))
    return _pack(elements)


def fallback_text(message: OutMessage) -> str:
    """A notification text for the whole message: as much as fits, cut between words."""
    return notification(message.body())


def notification(words: Rich) -> str:
    """The `text` of a message with blocks (notifications, old clients): at most TEXT_MAX,
    ending with "…" at a break between words, never inside a mention or a link."""
    parts = split(words, TEXT_MAX - 1, measure)
    if not parts:
        return ""
    return to_mrkdwn(parts[0]) + ("…" if len(parts) > 1 else "")


def _elements(message: OutMessage, n: int) -> list[_Element]:
    out: list[_Element] = []
    if message.title:
        title = clip(message.title, HEADER_MAX)
        header = {"type": "header", "text": {"type": "plain_text", "text": title}}
        out.append(_Element(header, length(title)))
    for chunk in split(message.text, SECTION_MAX, measure):
        text = to_mrkdwn(chunk)
        section = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        out.append(_Element(section, length(text), chunk))
    for f in message.fields:
        room = FIELD_MAX - length(f"*{escape(continued(f.name))}*\n")
        chunks = split(f.value, room, measure) or [lit("-")]
        for i, chunk in enumerate(chunks):
            name = f.name if i == 0 else continued(f.name)
            text = f"*{escape(name)}*\n{to_mrkdwn(chunk)}"
            words = lit(f"{name}: ") + chunk
            out.append(_Element({"type": "mrkdwn", "text": text}, length(text), words, True))
    buttons = [_button(a) for a in message.actions[:BUTTONS_MAX]]
    if buttons:
        actions, commands = _actions(buttons, n)
        cost = sum(length(b["text"]["text"]) + length(b["value"]) for b in buttons)
        cost += length(commands["elements"][0]["text"])
        out.append(_Element(actions, cost))
        out.append(_Element(commands, 0))  # counted with its buttons: they go together
    return out


@dataclass
class _Draft:
    blocks: list[Block] = field(default_factory=list)
    cost: int = 0
    words: list[Rich] = field(default_factory=list)

    def room_for(self, e: _Element, blocks: int) -> bool:
        return self.cost + e.cost <= BLOCKS_TEXT_MAX and len(self.blocks) + blocks <= BLOCKS_MAX


def _pack(elements: list[_Element]) -> list[SlackMessage]:
    out: list[SlackMessage] = []
    draft = _Draft()

    def close() -> None:
        nonlocal draft
        while draft.blocks and draft.blocks[-1]["type"] == "divider":
            draft.blocks.pop()
        if draft.blocks:
            out.append(SlackMessage(_notification(draft), draft.blocks))
        draft = _Draft()

    for e in elements:
        if e.block["type"] == "divider" and not draft.blocks:
            continue
        last = draft.blocks[-1] if draft.blocks else None
        if (
            e.field
            and last is not None
            and 0 < len(last.get("fields", [])) < FIELDS_PER_SECTION
            and draft.cost + e.cost <= BLOCKS_TEXT_MAX
        ):
            last["fields"].append(e.block)
            draft.cost += e.cost
            draft.words.append(e.words or lit(""))
            continue
        if e.block.get("block_id", "").startswith(COMMANDS):
            draft.blocks.append(e.block)  # room was kept with its buttons, just before
            continue
        blocks = 2 if e.block["type"] == "actions" else 1
        if draft.blocks and not draft.room_for(e, blocks):
            close()
        draft.blocks.append({"type": "section", "fields": [e.block]} if e.field else e.block)
        draft.cost += e.cost
        if e.words is not None:
            draft.words.append(e.words)
    close()
    return out


def _notification(draft: _Draft) -> str:
    words = Rich(())
    for i, w in enumerate(draft.words):
        words = words + (lit("\n") + w if i else w)
    text = notification(words)
    if text:
        return text
    for b in draft.blocks:  # only a header or buttons: say what they say
        if b["type"] == "header":
            return escape(b["text"]["text"])
        if b["type"] == "context":
            return b["elements"][0]["text"]
    return "…"


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
    for i, line in enumerate(split(lit("✓ ") + outcome.text, SECTION_MAX, measure)):
        kept.append(
            {
                "type": "context",
                "block_id": OUTCOME + (f".{i}" if i else ""),
                "elements": [{"type": "mrkdwn", "text": to_mrkdwn(line)}],
            }
        )
    if buttons:
        kept.extend(_actions(buttons))
    return kept


def plain_of(blocks: list[Block]) -> str:
    """A notification text for an updated message, taken from its own sections."""
    for b in blocks:
        if b.get("type") == "section" and isinstance(b.get("text"), dict):
            return str(b["text"].get("text", ""))
    return "Updated."


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


def _actions(buttons: list[Block], n: int = 0) -> tuple[Block, Block]:
    """The buttons, then every button's typed equivalent: anything clickable is typeable."""
    suffix = f".{n}" if n else ""
    lines = [f"{escape(b['text']['text'])}: {b.get('value', '')}" for b in buttons]
    commands = clip("Or type:\n" + "\n".join(lines), SECTION_MAX)
    return (
        {"type": "actions", "block_id": ACTIONS + suffix, "elements": buttons},
        {
            "type": "context",
            "block_id": COMMANDS + suffix,
            "elements": [{"type": "mrkdwn", "text": commands}],
        },
    )
