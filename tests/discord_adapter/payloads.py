"""Gateway INTERACTION_CREATE payloads, shaped as Discord sends them: slash commands with typed
options (type 2), button clicks (type 3) and modal submissions (type 5)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from tests.discord_adapter.fake_discord import APP_ID, CHANNEL_ID, GUILD_ID

_ids = itertools.count(910000000000000001)

USER = 6
STRING, INTEGER, BOOLEAN = 3, 4, 5
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    global_name: str

    @property
    def user(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
        }

    def member(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "nick": None,
            "roles": [],
            "joined_at": "2026-01-05T08:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "permissions": "2248473465835073",
            "avatar": None,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


ALICE = Person(900000000000001001, "alice", "Alice")
BOB = Person(900000000000001002, "bob", "Bob")
CAROL = Person(900000000000001003, "carol", "Carol")
PEOPLE = (ALICE, BOB, CAROL)

GENERAL = {
    "id": str(CHANNEL_ID),
    "type": 0,
    "name": "general",
    "guild_id": str(GUILD_ID),
    "position": 0,
    "permission_overwrites": [],
    "nsfw": False,
    "parent_id": None,
    "topic": None,
    "last_message_id": None,
    "rate_limit_per_user": 0,
}


def _base(kind: int) -> dict[str, Any]:
    iid = next(_ids)
    return {
        "id": str(iid),
        "application_id": str(APP_ID),
        "type": kind,
        "token": f"interaction-token-{iid}",
        "version": 1,
        "app_permissions": "2248473465835073",
        "locale": "en-GB",
        "entitlements": [],
        "attachment_size_limit": 10485760,
    }


def _in_guild(payload: dict[str, Any], person: Person) -> dict[str, Any]:
    payload.update(
        guild_id=str(GUILD_ID),
        guild_locale="en-US",
        guild={"id": str(GUILD_ID), "locale": "en-US", "features": []},
        channel_id=str(CHANNEL_ID),
        channel=GENERAL,
        member=person.member(),
        authorizing_integration_owners={"0": str(GUILD_ID)},
        context=0,
    )
    return payload


def option(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, Person):
        return {"name": name, "type": USER, "value": str(value.id)}
    if isinstance(value, bool):
        return {"name": name, "type": BOOLEAN, "value": value}
    if isinstance(value, int):
        return {"name": name, "type": INTEGER, "value": value}
    return {"name": name, "type": STRING, "value": value}


def slash(
    by: Person,
    command: str,
    *path: str,
    _raw_options: list[dict[str, Any]] | None = None,
    _resolved: dict[str, Any] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """`/command [group] [sub] name:value …` typed by `by` in #general. Members given as
    values are resolved the way Discord resolves USER options (user and member data)."""
    options = (
        _raw_options if _raw_options is not None else [option(k, v) for k, v in values.items()]
    )
    for name in reversed(path):
        kind = SUB_COMMAND if name == path[-1] else SUB_COMMAND_GROUP
        options = [{"name": name, "type": kind, "options": options}]
    people = [v for v in values.values() if isinstance(v, Person)]
    resolved = _resolved
    if resolved is None and people:
        resolved = {
            "users": {str(p.id): p.user for p in people},
            "members": {
                str(p.id): {k: v for k, v in p.member().items() if k != "user"} for p in people
            },
        }
    data: dict[str, Any] = {
        "id": str(APP_ID + 500),
        "name": command,
        "type": 1,
        "guild_id": str(GUILD_ID),
        "options": options,
    }
    if resolved:
        data["resolved"] = resolved
    return {**_in_guild(_base(2), by), "data": data}


def click(by: Person, message: dict[str, Any], label: str) -> dict[str, Any]:
    """`by` presses the button labelled `label` on `message` (a DM, or a channel message)."""
    [button] = [
        c for row in message["components"] for c in row["components"] if c.get("label") == label
    ]
    payload = _base(3)
    payload.update(
        channel_id=message["channel_id"],
        message=message,
        data={"custom_id": button["custom_id"], "component_type": 2},
    )
    if message["channel_id"] == str(CHANNEL_ID):
        return _in_guild(payload, by)
    payload.update(
        channel={"id": message["channel_id"], "type": 1, "recipients": [by.user]},
        user=by.user,
        authorizing_integration_owners={"0": str(GUILD_ID)},
        context=1,
    )
    return payload


def submit(by: Person, modal: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """`by` fills the form Discord showed (the bot's type-9 callback data) by field label;
    a field left alone comes back with the value it was shown with."""
    filled = []
    for row in modal["components"]:
        for c in row.get("components", [row.get("component", {})]):
            if c.get("type") == 4:
                value = values.get(c["label"], c.get("value") or "")
                filled.append(
                    {
                        "type": 1,
                        "components": [{"type": 4, "custom_id": c["custom_id"], "value": value}],
                    }
                )
    data = {"custom_id": modal["custom_id"], "components": filled}
    return {**_in_guild(_base(5), by), "data": data}


def autocomplete(by: Person, command: str, *path: str, option: str, typed: str) -> dict[str, Any]:
    """`by` is typing `typed` into `option`; Discord asks the bot for suggestions (type 4)."""
    focused = {"name": option, "type": STRING, "value": typed, "focused": True}
    payload = slash(by, command, *path, _raw_options=[focused])
    payload["type"] = 4
    return payload
