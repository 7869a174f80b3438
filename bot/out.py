"""What the bot says: a platform-neutral message with fields and actions, and its JSON form."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from bot.model import UserRef
from bot.text import Rich, lit, rich_from_json, rich_to_json


@dataclass(frozen=True)
class Action:
    """A button. `action_id` comes back from the platform on a click; `command` is the typed
    equivalent shown beside it, so every action can also be done by typing."""

    label: str
    action_id: str
    command: Rich
    style: str = "default"  # default | primary | danger


@dataclass(frozen=True)
class Field:
    name: str
    value: Rich


@dataclass(frozen=True)
class OutMessage:
    """`text` is the headline; `fields` carry details; `fallback()` is the complete plain text."""

    text: Rich
    title: str | None = None
    fields: tuple[Field, ...] = ()
    actions: tuple[Action, ...] = ()
    ephemeral: bool = False
    kind: str = ""  # a stable label ("referral.received"), for logs, tests and adapters
    attachments: tuple[str, ...] = field(default=())  # file paths, for later recaps/exports
    about: int | None = None  # the referral this message is about, if any

    def body(self) -> Rich:
        """Headline plus fields, as rich text: the complete message without its buttons."""
        r = self.text
        for f in self.fields:
            r = r + lit(f"\n{f.name}: ") + f.value
        return r

    def fallback(self) -> str:
        return self.body().plain()

    def mentions(self) -> tuple[UserRef, ...]:
        return self.body().mentions()

    def pings(self) -> tuple[UserRef, ...]:
        """The members this message may notify; adapters allow pings for these only."""
        return self.body().pings()

    def to_json(self) -> str:
        return json.dumps(
            {
                "text": rich_to_json(self.text),
                "title": self.title,
                "fields": [[f.name, rich_to_json(f.value)] for f in self.fields],
                "actions": [
                    [a.label, a.action_id, rich_to_json(a.command), a.style] for a in self.actions
                ],
                "ephemeral": self.ephemeral,
                "kind": self.kind,
                "attachments": list(self.attachments),
                "about": self.about,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, data: str) -> OutMessage:
        d = json.loads(data)
        return cls(
            text=rich_from_json(d["text"]),
            title=d["title"],
            fields=tuple(Field(n, rich_from_json(v)) for n, v in d["fields"]),
            actions=tuple(
                Action(label, aid, rich_from_json(cmd), style)
                for label, aid, cmd, style in d["actions"]
            ),
            ephemeral=d["ephemeral"],
            kind=d["kind"],
            attachments=tuple(d.get("attachments", ())),
            about=d.get("about"),
        )
