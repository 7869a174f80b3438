"""Requests shaped like Slack's own: slash command form fields, block_actions and
view_submission payloads, signed the way Slack signs them (v0, HMAC-SHA256)."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.slack.fake_slack import TEAM

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
APP_ID = "A0RAPPORT"
_ids = itertools.count(1)


def trigger_id() -> str:
    return f"13345224609.738474920.{next(_ids):08x}"


def slash_form(
    command: str,
    text: str,
    *,
    user: dict[str, Any],
    channel_id: str,
    channel_name: str,
    response_url: str,
    trigger: str | None = None,
    team: str = TEAM,
) -> dict[str, str]:
    """The form fields Slack POSTs for a slash command (from workspace `team`)."""
    return {
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",  # deprecated verification token; ignored
        "team_id": team,
        "team_domain": "rapport-test",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user["id"],
        "user_name": user["name"],
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger or trigger_id(),
    }


def block_actions(
    *,
    user: dict[str, Any],
    channel_id: str,
    message: dict[str, Any],
    action_id: str,
    response_url: str,
) -> dict[str, Any]:
    """A button click on a message, as interactivity delivers it."""
    button = next(
        e
        for b in message["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )
    return {
        "type": "block_actions",
        "user": {"id": user["id"], "username": user["name"], "name": user["name"], "team_id": TEAM},
        "api_app_id": APP_ID,
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "trigger_id": trigger_id(),
        "team": {"id": TEAM, "domain": "rapport-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "directmessage"},
        "message": message,
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "rapport.actions",
                "text": button["text"],
                "value": button.get("value", ""),
                "type": "button",
                "action_ts": f"{time.time():.6f}",
                **({"style": button["style"]} if "style" in button else {}),
            }
        ],
    }


def view_submission(
    *, user: dict[str, Any], view: dict[str, Any], values: dict[str, Any], view_id: str = "V0FORM"
) -> dict[str, Any]:
    """The modal `view` (as views.open received it) submitted with `values`."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "rapport-test"},
        "user": {"id": user["id"], "username": user["name"], "name": user["name"], "team_id": TEAM},
        "api_app_id": APP_ID,
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "trigger_id": trigger_id(),
        "view": {
            **view,
            "id": view_id,
            "team_id": TEAM,
            "state": {"values": values},
            "hash": "1700000000.abcdef",
            "root_view_id": view_id,
            "app_id": APP_ID,
            "bot_id": "B0RAPPORT",
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def form_values(
    member: str | None = None,
    prospect: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    need: str | None = None,
    heat: str = "3",
    inside: bool = False,
) -> dict[str, Any]:
    """view.state.values for the referral form, as Slack reports each input element."""

    def text(value: str | None) -> dict[str, Any]:
        return {"value": {"type": "plain_text_input", "value": value}}

    return {
        "member": {"value": {"type": "users_select", "selected_user": member}},
        "prospect": text(prospect),
        "email": text(email),
        "phone": text(phone),
        "need": text(need),
        "heat": {
            "value": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": heat}, "value": heat},
            }
        },
        "inside": {
            "value": {
                "type": "checkboxes",
                "selected_options": [{"value": "inside"}] if inside else [],
            }
        },
    }


def encode_form(fields: dict[str, str]) -> str:
    return urlencode(fields)


def encode_payload(payload: dict[str, Any]) -> str:
    """Interactivity arrives as one form field, `payload`, holding JSON."""
    return urlencode({"payload": json.dumps(payload)})


def signed_headers(
    body: str, *, secret: str = SIGNING_SECRET, timestamp: int | None = None, retry: int = 0
) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": signature,
    }
    if retry:
        headers["x-slack-retry-num"] = str(retry)
        headers["x-slack-retry-reason"] = "http_timeout"
    return headers


def event_callback(
    event: dict[str, Any], *, team: str = TEAM, at: int = 1700000000, event_id: str = ""
) -> str:
    """An Events API delivery (app_uninstalled, tokens_revoked…) as Slack POSTs it, of an
    event that happened at `at` (Unix seconds). A retry carries the same id and time."""
    return json.dumps(
        {
            "token": "gIkuvaNzQIHg97ATvDxqgjtO",
            "team_id": team,
            "api_app_id": APP_ID,
            "event": {"event_ts": f"{at}.000100", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08X}",
            "event_time": at,
        }
    )


def home_opened(user: dict[str, Any], *, tab: str = "home") -> str:
    """The member opened the app's Home tab (or its Messages tab)."""
    return event_callback(
        {"type": "app_home_opened", "user": user["id"], "channel": f"D{user['id']}", "tab": tab}
    )


def home_action(*, user: dict[str, Any], view: dict[str, Any], action_id: str) -> dict[str, Any]:
    """A button click on the Home tab `view` (as views.publish received it): no message, no
    response_url."""
    button = next(
        e
        for b in view["blocks"]
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )
    return {
        "type": "block_actions",
        "user": {"id": user["id"], "username": user["name"], "name": user["name"], "team_id": TEAM},
        "api_app_id": APP_ID,
        "token": "gIkuvaNzQIHg97ATvDxqgjtO",
        "container": {"type": "view", "view_id": "V0HOME"},
        "trigger_id": trigger_id(),
        "team": {"id": TEAM, "domain": "rapport-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {**view, "id": "V0HOME", "team_id": TEAM, "app_id": APP_ID, "hash": "1.a"},
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "text": button["text"],
                "value": button.get("value", ""),
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
