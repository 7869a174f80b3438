"""A Slack workspace in a test: the fake Slack on 127.0.0.1, the real bolt AsyncApp wired to
the core on SQLite :memory:, and `Workspace`, which types commands, clicks buttons and
submits the form as members, through signed requests, and reads what they would see."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from adapters.slack.app import SlackBot, assemble
from adapters.slack.messenger import Pacer
from bot.config import Settings
from tests.fakes import FakeClock
from tests.slack.fake_slack import FakeSlack, dm_channel, message_text, person
from tests.slack.payloads import (
    SIGNING_SECRET,
    block_actions,
    encode_form,
    encode_payload,
    signed_headers,
    slash_form,
    view_submission,
)

ALICE = person("U0ALICE", "Alice", "Africa/Johannesburg")
BOB = person("U0BOB", "Bob", "Europe/London")
CAROL = person("U0CAROL", "Carol", "Asia/Tokyo")
HELPER = person("U0HELPER", "Helper", is_bot=True)
GONE = person("U0GONE", "Gone", deleted=True)
PEOPLE = {u["id"]: u for u in (ALICE, BOB, CAROL, HELPER, GONE)}

GROUP = ("C0GROUP", "breakfast-club")  # the group's channel, the bot invited


class FakeTime:
    """A monotonic clock and a sleep that only moves it, for the pacer and retry waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class Result:
    """One request: bolt's HTTP answer (the ack) and what came back through its
    response_url, as the person sees it."""

    response: BoltResponse
    posts: list[dict[str, Any]] = field(default_factory=list)
    key: str = ""  # the response_url's key, to read what arrives there later

    @property
    def status(self) -> int:
        return self.response.status

    @property
    def text(self) -> str:
        return "\n".join(message_text(p, PEOPLE) for p in self.posts)


class Workspace:
    def __init__(self, slack: SlackBot, fake: FakeSlack) -> None:
        self.slack = slack
        self.fake = fake
        self._keys = itertools.count(1)

    async def dispatch(self, body: str, *, settle: bool = True, **headers: Any) -> BoltResponse:
        request = AsyncBoltRequest(body=body, headers=signed_headers(body, **headers))
        response = await self.slack.bolt.async_dispatch(request)
        if settle:
            await self.slack.core.settle()  # what the command queued for others has gone out
        return response

    async def type(
        self,
        who: dict[str, Any],
        line: str,
        *,
        where: tuple[str, str] = GROUP,
        trigger: str | None = None,
        retry: int = 0,
        settle: bool = True,
    ) -> Result:
        """`who` types `line` (e.g. "/referral <@U0BOB|bob> Jane …") in `where`."""
        command, _, text = line.partition(" ")
        key = f"cmd{next(self._keys)}"
        form = slash_form(
            command,
            text,
            user=who,
            channel_id=where[0],
            channel_name=where[1],
            response_url=self.fake.response_url(key),
            trigger=trigger,
        )
        response = await self.dispatch(encode_form(form), retry=retry, settle=settle)
        return Result(response, self.fake.responses(key), key)

    async def click(
        self, who: dict[str, Any], message: dict[str, Any], action_id: str, *, channel: str = ""
    ) -> Result:
        """`who` clicks the button `action_id` on `message` (in their DM unless `channel`)."""
        channel = channel or dm_channel(who["id"])
        key = f"click{next(self._keys)}"
        url = self.fake.response_url(key, message=(channel, message["ts"]))
        payload = block_actions(
            user=who, channel_id=channel, message=message, action_id=action_id, response_url=url
        )
        response = await self.dispatch(encode_payload(payload))
        answers = [p for p in self.fake.responses(key) if not p.get("replace_original")]
        return Result(response, answers, key)

    async def submit(
        self, who: dict[str, Any], values: dict[str, Any], *, view_id: str = "V0FORM"
    ) -> BoltResponse:
        """`who` submits the form views.open last opened, filled with `values`."""
        view = self.fake.calls_to("views.open")[-1]["view"]
        payload = view_submission(user=who, view=view, values=values, view_id=view_id)
        return await self.dispatch(encode_payload(payload))

    def dms(self, who: dict[str, Any]) -> list[dict[str, Any]]:
        return self.fake.dms_to(who["id"])

    def dm_texts(self, who: dict[str, Any]) -> list[str]:
        return [message_text(m, PEOPLE) for m in self.dms(who)]

    def channel_texts(self, channel: str = GROUP[0]) -> list[str]:
        return [message_text(m, PEOPLE) for m in self.fake.posts_in(channel)]

    def seen(self, message: dict[str, Any]) -> str:
        return message_text(message, PEOPLE)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack()
    slack.users = dict(PEOPLE)
    slack.bot_channels = {GROUP[0]}
    await slack.start()
    yield slack
    await slack.close()


@pytest.fixture
def pace() -> FakeTime:
    return FakeTime()


async def offline_bot(
    settings: Settings, clock: FakeClock, fake: FakeSlack, pace: FakeTime
) -> SlackBot:
    """The whole Slack-connected bot, talking to `fake`, on SQLite :memory:, with bolt
    finishing each listener before it answers and pacing on a fake clock."""
    return await assemble(
        settings,
        token="xoxb-test-token",
        signing_secret=SIGNING_SECRET,
        clock=clock,
        database=":memory:",
        api_url=fake.base_url,
        process_before_response=True,
        pacer=Pacer(monotonic=pace.monotonic, sleep=pace.sleep),
        retry_sleep=pace.sleep,
    )


@pytest.fixture
async def slack(
    fake: FakeSlack, clock: FakeClock, settings: Settings, pace: FakeTime
) -> AsyncIterator[SlackBot]:
    bot = await offline_bot(settings, clock, fake, pace)
    yield bot
    await bot.close()


@pytest.fixture
def ws(slack: SlackBot, fake: FakeSlack) -> Workspace:
    return Workspace(slack, fake)


@pytest.fixture
async def group(ws: Workspace, fake: FakeSlack) -> Workspace:
    """Breakfast Club in #breakfast-club: Alice (admin, Commercial insurance), Bob
    (Residential plumbing), Carol (Roofing); what setting it up sent is forgotten."""
    assert "is set up" in (await ws.type(ALICE, "/rapport setup Breakfast Club")).text
    for who, seat in (
        (ALICE, "Commercial insurance"),
        (BOB, "Residential plumbing"),
        (CAROL, "Roofing"),
    ):
        assert "Welcome" in (await ws.type(who, f"/rapport join {seat}")).text
    fake.calls.clear()
    fake.messages.clear()
    return ws
