"""The referral form (/referral with no text): a modal whose fields map one to one onto the
core's `referral_from_fields`, so the core's rules judge the form as they judge typed text
and its FieldErrors come back beside the right field (response_action: errors).

Block ids are the core's field names: `member`, `prospect`, `email`, `phone`, `need`,
`heat`, `inside`. Where the form was opened (channel, the command's response_url) travels in
the view's private_metadata, so the answer reaches the person where they typed /referral.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

CALLBACK_ID = "rapport.referral"
VALUE = "value"  # every input's action_id
HEAT_WORDS = {1: "cool", 2: "mild", 3: "warm", 4: "hot", 5: "ready to buy"}
INSIDE_YES = "inside"


@dataclass(frozen=True)
class Origin:
    """Where /referral was typed, so the result is answered there."""

    channel_id: str | None
    channel_name: str | None
    response_url: str | None

    def dump(self) -> str:
        return json.dumps(
            {"c": self.channel_id, "n": self.channel_name, "r": self.response_url},
            separators=(",", ":"),
        )

    @classmethod
    def load(cls, metadata: str | None) -> Origin:
        try:
            d = json.loads(metadata or "{}")
        except ValueError:
            d = {}
        if not isinstance(d, dict):
            d = {}
        return cls(d.get("c"), d.get("n"), d.get("r"))


@dataclass(frozen=True)
class ReferralForm:
    member: str | None  # a Slack user id
    prospect: str | None
    email: str | None
    phone: str | None
    need: str | None
    heat: str | None
    inside: bool


def _text(label: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": label}


def _input(
    block_id: str, label: str, element: dict[str, Any], optional: bool = True, hint: str = ""
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": _text(label),
        "optional": optional,
        "element": {**element, "action_id": VALUE},
    }
    if hint:
        block["hint"] = _text(hint)
    return block


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": _text(label), "value": value}


def referral_view(origin: Origin) -> dict[str, Any]:
    heat_options = [_option(str(n), f"{n} – {w}") for n, w in HEAT_WORDS.items()]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": origin.dump(),
        "title": _text("Pass a referral"),
        "submit": _text("Log referral"),
        "close": _text("Cancel"),
        "blocks": [
            _input("member", "Member", {"type": "users_select"}, optional=False),
            _input(
                "prospect",
                "Prospect's name",
                {"type": "plain_text_input", "max_length": 120},
                optional=False,
            ),
            _input(
                "email",
                "Email",
                {"type": "plain_text_input"},
                hint="An email or a phone makes it a referral; without either it is a lead.",
            ),
            _input("phone", "Phone", {"type": "plain_text_input"}),
            _input(
                "need",
                "What they need",
                {"type": "plain_text_input", "multiline": True, "max_length": 1000},
            ),
            _input(
                "heat",
                "Heat",
                # nothing chosen for them: a heat the giver did not pick is not shown as theirs
                {"type": "static_select", "options": heat_options},
                hint="Leave it empty if you can't say; the receiver then sees no heat.",
            ),
            _input(
                "inside",
                "Inside the group",
                {
                    "type": "checkboxes",
                    "options": [_option(INSIDE_YES, "The prospect is a member of this group")],
                },
            ),
        ],
    }


def read_form(values: dict[str, Any]) -> ReferralForm:
    """The submitted state (view.state.values) as the form's fields."""

    def element(block_id: str) -> dict[str, Any]:
        return (values.get(block_id) or {}).get(VALUE) or {}

    def text(block_id: str) -> str | None:
        value = element(block_id).get("value")
        return str(value) if value else None

    heat = (element("heat").get("selected_option") or {}).get("value")
    inside = any(
        o.get("value") == INSIDE_YES for o in element("inside").get("selected_options") or []
    )
    return ReferralForm(
        member=element("member").get("selected_user") or None,
        prospect=text("prospect"),
        email=text("email"),
        phone=text("phone"),
        need=text("need"),
        heat=str(heat) if heat else None,
        inside=inside,
    )
