"""A member's page as Slack's Home tab (`views.publish`), and the form that changes their ask.

The core's Dashboard, laid out as Block Kit: a header, each section under a header of its
own, each line as a section and its buttons (the DMs' own: a click on Home runs the same code)
right under it. Slack's limits for a view, counted as Slack counts (mrkdwn.length): 100 blocks,
3,000 a section's text (a longer line goes on in the next section, never cut), 25 elements an
actions block, 75 a button's text. A list too long for the 100 blocks shows its newest lines
and says how many more there are and the command that lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.slack.blocks import (
    BUTTON_VALUE_MAX,
    BUTTONS_MAX,
    HEADER_MAX,
    SECTION_MAX,
    _button,
    clip,
)
from adapters.slack.mrkdwn import measure, to_mrkdwn
from bot.features.home import messages as wording
from bot.features.home.content import Dashboard, Item, Section
from bot.grammar import MAX_TEXT
from bot.split import split
from bot.text import Rich

Block = dict[str, Any]

VIEW_BLOCKS_MAX = 100  # a modal's or Home tab's most
CHANGE_ASK = "rapport.home.ask"  # the "Change my ask" button's action_id: the adapter's own
ASK_CALLBACK = "rapport.ask"  # the ask form's callback_id
ASK_BLOCK = "ask"
ASK_INPUT = "value"
MODAL_TITLE_MAX = 24


def home_view(page: Dashboard) -> Block:
    """The Home tab's view for `page`, within every limit of a view."""
    head = [_header(page.title), *_texts(page.intro)]
    laid = [(s, _items(s, page)) for s in page.sections if s.shown]
    fixed = len(head) + sum(
        1 + (sum(map(len, items)) if s.full_list is None else 0) for s, items in laid
    )
    # what is left goes to the lists, in order; each keeps a block for its "… more" line
    room = VIEW_BLOCKS_MAX - fixed - sum(1 for s, _ in laid if s.full_list is not None)
    blocks = list(head)
    for s, items in laid:
        blocks.append(_header(s.heading))
        if s.full_list is None:
            blocks.extend(b for item in items for b in item)
            continue
        shown = 0
        for item in items:
            if len(item) > room:
                break
            blocks.extend(item)
            room -= len(item)
            shown += 1
        if shown < len(items):
            more = wording.more(len(items) - shown, s.full_list)
            blocks.append(_context(more))
    return {"type": "home", "blocks": blocks}


def _items(s: Section, page: Dashboard) -> list[list[Block]]:
    """Each line's blocks: its text, then its buttons."""
    if not s.items:
        assert s.empty is not None
        return [_texts(s.empty)]
    out = [_item(item) for item in s.items]
    if s.key == "ask" and page.member:
        # the ask the form starts from rides on the button (an ask is far shorter than a value)
        button: Block = {
            "type": "button",
            "action_id": CHANGE_ASK,
            "text": {"type": "plain_text", "text": wording.CHANGE_ASK},
        }
        if page.ask:
            button["value"] = page.ask[:BUTTON_VALUE_MAX]
        out[-1].append({"type": "actions", "elements": [button]})
    return out


def _item(item: Item) -> list[Block]:
    blocks = _texts(item.text)
    if item.actions:
        buttons = [_button(a) for a in item.actions[:BUTTONS_MAX]]
        blocks.append({"type": "actions", "elements": buttons})
    return blocks


def _texts(text: Rich) -> list[Block]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": to_mrkdwn(chunk)}}
        for chunk in split(text, SECTION_MAX, measure)
    ]


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, HEADER_MAX)}}


def _context(text: Rich) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": to_mrkdwn(text)}]}


# --- the ask form ------------------------------------------------------------------------
def ask_view(current: str) -> Block:
    """The form behind "Change my ask": one text box, as long as the core takes an ask."""
    element: Block = {
        "type": "plain_text_input",
        "action_id": ASK_INPUT,
        "multiline": True,
        "max_length": MAX_TEXT,
        "placeholder": {"type": "plain_text", "text": wording.ASK_HINT},
    }
    if current:
        element["initial_value"] = current[:MAX_TEXT]
    return {
        "type": "modal",
        "callback_id": ASK_CALLBACK,
        "title": {"type": "plain_text", "text": clip(wording.ASK_TITLE, MODAL_TITLE_MAX)},
        "submit": {"type": "plain_text", "text": wording.SAVE},
        "close": {"type": "plain_text", "text": wording.CANCEL},
        "blocks": [
            {
                "type": "input",
                "block_id": ASK_BLOCK,
                "label": {"type": "plain_text", "text": wording.ASK_LABEL},
                "element": element,
            }
        ],
    }


@dataclass(frozen=True)
class AskForm:
    text: str


def read_ask(values: dict[str, Any]) -> AskForm:
    value = ((values.get(ASK_BLOCK) or {}).get(ASK_INPUT) or {}).get("value")
    return AskForm(str(value or ""))
