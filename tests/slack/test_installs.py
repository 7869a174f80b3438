"""Slack for many workspaces, on a real socket: bolt's own OAuth flow installs the app in a
workspace (/slack/install → Slack's consent page → /slack/oauth_redirect → oauth.v2.access),
the installation is kept in Rapport's SQLite file, and from then on that workspace's
commands are answered and its messages posted with its own token. Two workspaces side by
side never see each other's groups or tokens; an uninstall stops delivery there at once,
its data is erased after the grace period, and installing again within it resumes."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation

from adapters.health import Health
from adapters.metrics import PrometheusMetrics
from adapters.slack.app import SlackBot, assemble
from adapters.slack.cli import start_http
from adapters.slack.messenger import Pacer
from adapters.slack.oauth import BOT_SCOPES, OAuth
from tests.slack.fake_slack import FakeSlack, message_text, person
from tests.slack.payloads import (
    APP_ID,
    SIGNING_SECRET,
    encode_form,
    event_callback,
    signed_headers,
    slash_form,
)
from tests.slack.test_manifest import section

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "0a1b2c3d4e5f-client-secret"
# the installations, OAuth states and departures in each database: the storage contract
BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    token: str  # the bot token Slack gives its installation


ALPHA = Team("T0ALPHA", "Alpha Networking", "xoxb-alpha-0001")
BETA = Team("T0BETA", "Beta Breakfast", "xoxb-beta-0002")
ALICE = person("U0ALICE", "Alice", team_id=ALPHA.id)
BOB = person("U0BOB", "Bob", team_id=ALPHA.id)
DAN = person("U0DAN", "Dan", team_id=BETA.id)
EVE = person("U0EVE", "Eve", team_id=BETA.id)
PEOPLE = {u["id"]: u for u in (ALICE, BOB, DAN, EVE)}
CHANNEL = ("C0GROUP", "breakfast-club")  # the same channel id in both workspaces, on purpose
_keys = itertools.count(1)


class Hosted:
    """Rapport serving every workspace that installs it, and a browser and members to use it."""

    def __init__(self, bot: SlackBot, fake: FakeSlack, url: str) -> None:
        self.bot = bot
        self.fake = fake
        self.url = url
        self._codes = itertools.count(1)

    async def get(self, path: str, cookie: str = "") -> aiohttp.ClientResponse:
        headers = {"Cookie": cookie} if cookie else {}
        async with (
            aiohttp.ClientSession() as session,
            session.get(self.url + path, headers=headers, allow_redirects=False) as r,
        ):
            await r.read()
            return r

    async def install(self, team: Team, *, token: str | None = None) -> tuple[int, str]:
        """A workspace admin opens the install link, approves on Slack's page, and comes back."""
        page = await self.get("/slack/install")
        assert page.status == 302, page.status
        state = parse_qs(urlsplit(page.headers["Location"]).query)["state"][0]
        cookie = page.headers["Set-Cookie"].split(";")[0]  # the browser keeps it
        code = f"code-{next(self._codes)}"
        self.fake.codes[code] = (team.id, team.name, token or team.token)
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                f"{self.url}/slack/oauth_redirect?code={code}&state={state}",
                headers={"Cookie": cookie},
            ) as r,
        ):
            return r.status, await r.text()

    async def type(self, who: dict[str, Any], line: str, team: Team) -> str:
        """`who` types `line` in #breakfast-club of `team`; what only they see comes back."""
        command, _, text = line.partition(" ")
        key = f"cmd{next(_keys)}"
        form = slash_form(
            command,
            text,
            user=who,
            channel_id=CHANNEL[0],
            channel_name=CHANNEL[1],
            response_url=self.fake.response_url(key),
            team=team.id,
        )
        await self.post("/slack/events", encode_form(form))
        return "\n".join(
            message_text(p, PEOPLE) if p.get("blocks") else p["text"]
            for p in self.fake.responses(key)
        )

    async def event(self, team: Team, event: dict[str, Any], *, retry: int = 0) -> str:
        """Slack tells Rapport of `event` in `team`, as it happens; returns the delivery, which
        `redeliver` sends again as Slack's retry would."""
        at = int(self.bot.core.clock.now().timestamp())
        body = event_callback(event, team=team.id, at=at)
        await self.redeliver(body, retry=retry)
        return body

    async def redeliver(self, body: str, *, retry: int = 1) -> None:
        headers = {**signed_headers(body, retry=retry), "content-type": "application/json"}
        await self.post("/slack/events", body, headers)

    async def post(self, path: str, body: str, headers: dict[str, str] | None = None) -> int:
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url + path, data=body, headers=headers or signed_headers(body)) as r,
        ):
            assert r.status == 200, await r.text()
        await self.bot.core.settle()
        return r.status

    def tokens_used(self, method: str, **args: str) -> set[str]:
        return {
            c.token
            for c in self.fake.calls
            if c.method == method and all(c.args.get(k) == v for k, v in args.items())
        }

    def dms(self, who: dict[str, Any]) -> list[str]:
        return [message_text(m, PEOPLE) for m in self.fake.dms_to(who["id"])]

    async def rows(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        async with self.bot.app.repo.transaction() as tx:
            return [dict(r) for r in await tx._all(sql, args)]  # type: ignore[attr-defined]


@pytest.fixture
async def hosted(fake, clock, settings, pace, database) -> AsyncIterator[Hosted]:
    fake.users = dict(PEOPLE)
    fake.client_secret = CLIENT_SECRET
    fake.bot_channels = {CHANNEL[0]}
    bot = await assemble(
        settings,
        token=None,
        signing_secret=SIGNING_SECRET,
        clock=clock,
        database=database,
        api_url=fake.base_url,
        process_before_response=True,
        pacer=Pacer(monotonic=pace.monotonic, sleep=pace.sleep),
        retry_sleep=pace.sleep,
        oauth=OAuth(CLIENT_ID, CLIENT_SECRET),
    )
    metrics = PrometheusMetrics(platforms=("slack",))
    health = Health(bot.app.repo, clock, metrics, "Slack", lambda: True)
    runner, port = await start_http(bot, "127.0.0.1", 0, health)
    yield Hosted(bot, fake, f"http://127.0.0.1:{port}")
    await runner.cleanup()
    await bot.close()


async def chapter(h: Hosted, team: Team, admin: dict[str, Any], member: dict[str, Any]) -> None:
    """`team` installs Rapport; `admin` sets up a group in #breakfast-club and both join."""
    assert (await h.install(team))[0] == 200
    assert "is set up" in await h.type(admin, "/rapport setup Breakfast Club", team)
    assert "Welcome" in await h.type(admin, "/rapport join Commercial insurance", team)
    assert "Welcome" in await h.type(member, "/rapport join Residential plumbing", team)


def manifest_scopes() -> list[str]:
    import re

    return re.findall(r"^\s*- ([a-z:.]+)", section("bot"), re.MULTILINE)


async def test_the_install_link_sends_the_admin_to_slack_with_the_manifests_scopes(hosted):
    page = await hosted.get("/slack/install")
    assert page.status == 302
    where = urlsplit(page.headers["Location"])
    assert (where.scheme, where.netloc, where.path) == ("https", "slack.com", "/oauth/v2/authorize")
    query = parse_qs(where.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"][0].split(",") == manifest_scopes() == list(BOT_SCOPES)
    state = query["state"][0]
    assert len(state) >= 20
    # the state is tied to this browser, and kept in Rapport's database until it is used
    assert f"slack-app-oauth-state={state}" in page.headers["Set-Cookie"]
    assert await hosted.rows("SELECT state FROM slack_oauth_states") == [{"state": state}]
    # health and metrics stay on the same port as the events and the install link
    assert (await hosted.get("/healthz")).status == 200
    assert (await hosted.get("/metrics")).status == 200


async def test_a_redirect_without_the_browsers_cookie_installs_nothing(hosted, fake):
    page = await hosted.get("/slack/install")
    state = parse_qs(urlsplit(page.headers["Location"]).query)["state"][0]
    fake.codes["stolen"] = (ALPHA.id, ALPHA.name, ALPHA.token)
    answer = await hosted.get(f"/slack/oauth_redirect?code=stolen&state={state}")
    assert answer.status == 400
    assert fake.calls_to("oauth.v2.access") == []
    assert await hosted.rows("SELECT team_id FROM slack_installations") == []


async def test_an_installed_workspace_is_answered_and_posted_to_with_its_own_token(hosted, fake):
    status, page = await hosted.install(ALPHA)
    assert status == 200
    assert ALPHA.token not in page  # the success page never shows the token
    [exchange] = fake.calls_to("oauth.v2.access")
    assert exchange["client_id"] == CLIENT_ID and exchange["code"] == "code-1"
    assert exchange["client_secret_matches"]
    [row] = await hosted.rows("SELECT team_id, team_name, bot_token FROM slack_installations")
    assert row == {"team_id": ALPHA.id, "team_name": ALPHA.name, "bot_token": ALPHA.token}

    assert "is set up" in await hosted.type(ALICE, "/rapport setup Breakfast Club", ALPHA)
    await hosted.type(ALICE, "/rapport join Commercial insurance", ALPHA)
    await hosted.type(BOB, "/rapport join Residential plumbing", ALPHA)
    answer = await hosted.type(
        ALICE, "/referral <@U0BOB|bob> Jane Roe jane@roe.example -- needs a new roof", ALPHA
    )
    assert "Jane Roe" in answer
    [dm] = [t for t in hosted.dms(BOB) if "Jane Roe" in t]
    assert "jane@roe.example" in dm
    assert hosted.tokens_used("chat.postMessage") == {ALPHA.token}
    assert hosted.tokens_used("users.info") == {ALPHA.token}


async def test_two_workspaces_side_by_side_never_see_each_others_groups_or_tokens(hosted, fake):
    await chapter(hosted, ALPHA, ALICE, BOB)
    fake.calls.clear()
    # before Beta installs Rapport, its members are told so, and nothing of Alpha's shows
    assert "isn't installed in this workspace" in await hosted.type(DAN, "/rapport roster", BETA)
    assert (await hosted.install(BETA))[0] == 200
    # Beta's channel has the same id as Alpha's group's channel: it is still not a group
    assert "isn't a Rapport group yet" in await hosted.type(DAN, "/rapport roster", BETA)
    assert "is set up" in await hosted.type(DAN, "/rapport setup Beta Breakfast", BETA)
    assert "Welcome" in await hosted.type(DAN, "/rapport join Commercial insurance", BETA)
    assert "Welcome" in await hosted.type(EVE, "/rapport join Residential plumbing", BETA)
    await hosted.type(DAN, "/referral <@U0EVE|eve> Sam Smith -- a kitchen refit", BETA)
    await hosted.type(ALICE, "/referral <@U0BOB|bob> Jane Roe -- needs a new roof", ALPHA)

    alpha_roster = await hosted.type(ALICE, "/rapport roster", ALPHA)
    beta_roster = await hosted.type(DAN, "/rapport roster", BETA)
    assert "Alice" in alpha_roster and "Bob" in alpha_roster
    assert "Dan" not in alpha_roster and "Eve" not in alpha_roster
    assert "Dan" in beta_roster and "Eve" in beta_roster
    assert "Alice" not in beta_roster and "Bob" not in beta_roster
    assert any("Sam Smith" in t for t in hosted.dms(EVE))
    assert not any("Sam Smith" in t for t in hosted.dms(BOB))
    # each DM went with its own workspace's token, and no call mixed them up
    assert hosted.tokens_used("chat.postMessage", channel=EVE["id"]) == {BETA.token}
    assert hosted.tokens_used("chat.postMessage", channel=BOB["id"]) == {ALPHA.token}
    assert hosted.tokens_used("users.info", user=DAN["id"]) == {BETA.token}
    for call in fake.calls:  # every call about a person went with their workspace's token
        about = call.args.get("user") or call.args.get("channel")
        if about in PEOPLE:
            assert fake.teams[call.token] == PEOPLE[about]["team_id"], call
    groups = await hosted.rows("SELECT workspace FROM groups ORDER BY workspace")
    assert groups == [{"workspace": ALPHA.id}, {"workspace": BETA.id}]


async def test_uninstalling_stops_delivery_there_at_once_and_drops_what_was_queued(
    hosted, fake, clock
):
    await chapter(hosted, ALPHA, ALICE, BOB)
    await chapter(hosted, BETA, DAN, EVE)
    meeting = "/rapport meeting set tuesday 07:00 Africa/Johannesburg -- The Oaks"
    assert "Saved" in await hosted.type(ALICE, meeting, ALPHA)
    fake.calls.clear()
    fake.messages.clear()
    # Slack is failing Alpha's DMs just now: Bob's referral waits to be retried
    fake.fail("chat.postMessage", "internal_error", status=500, times=10, where=BOB["id"])
    await hosted.type(ALICE, "/referral <@U0BOB|bob> Jane Roe -- needs a new roof", ALPHA)
    [queued] = await hosted.rows("SELECT id FROM outbox WHERE state = 'pending'")

    await hosted.event(ALPHA, {"type": "app_uninstalled"})

    [dropped] = await hosted.rows("SELECT state, last_error FROM outbox WHERE id = ?", queued["id"])
    assert dropped["state"] == "failed"
    assert "uninstalled" in dropped["last_error"]
    assert await hosted.rows("SELECT team_id FROM slack_installations") == [{"team_id": BETA.id}]
    [last] = await hosted.rows("SELECT max(id) AS id FROM outbox")
    fake.calls.clear()
    fake._failures.clear()
    # a day on: the retry's time is long past, and Alpha's group's work runs; nothing goes
    # to Alpha (anything it sets off is dropped, never sent), Beta carries on
    for _ in range(15):
        await hosted.bot.core.run_due(clock.advance(hours=2))
    reminders = await hosted.rows(
        "SELECT o.state, o.last_error FROM outbox o JOIN groups g ON g.id = o.group_id"
        " WHERE o.id > ? AND g.workspace = ?",
        last["id"],
        ALPHA.id,
    )
    assert reminders and {(r["state"], r["last_error"]) for r in reminders} == {
        ("failed", f"dropped: Rapport is not installed in Slack workspace {ALPHA.id}")
    }
    await hosted.type(DAN, "/referral <@U0EVE|eve> Sam Smith -- a kitchen refit", BETA)
    assert hosted.tokens_used("chat.postMessage") == {BETA.token}
    assert not hosted.dms(BOB)
    assert any("Sam Smith" in t for t in hosted.dms(EVE))
    # and a command from Alpha is no longer taken in as Alpha's
    before = await hosted.rows("SELECT count(*) AS n FROM referrals")
    await hosted.type(ALICE, "/referral <@U0BOB|bob> Late Lead -- after uninstall", ALPHA)
    assert await hosted.rows("SELECT count(*) AS n FROM referrals") == before


async def test_a_revoked_bot_token_stops_delivery_like_an_uninstall(hosted, fake):
    await chapter(hosted, ALPHA, ALICE, BOB)
    fake.fail("chat.postMessage", "internal_error", status=500, times=10, where=BOB["id"])
    await hosted.type(ALICE, "/referral <@U0BOB|bob> Jane Roe -- needs a new roof", ALPHA)
    await hosted.event(ALPHA, {"type": "tokens_revoked", "tokens": {"bot": ["U0RAPPORT"]}})
    [row] = await hosted.rows("SELECT state, last_error FROM outbox WHERE state != 'sent'")
    assert row["state"] == "failed" and "revoked" in row["last_error"]
    assert await hosted.rows("SELECT team_id FROM slack_installations") == []


async def test_after_the_grace_period_the_workspaces_data_is_erased(hosted, clock, settings):
    assert settings.slack.uninstall_grace_days == 30
    await chapter(hosted, ALPHA, ALICE, BOB)
    await chapter(hosted, BETA, DAN, EVE)
    await hosted.type(ALICE, "/referral <@U0BOB|bob> Jane Roe jane@roe.example -- a roof", ALPHA)
    await hosted.type(DAN, "/referral <@U0EVE|eve> Sam Smith -- a kitchen refit", BETA)
    await hosted.event(ALPHA, {"type": "app_uninstalled"})

    await hosted.bot.core.run_due(clock.advance(days=29))
    names = "SELECT m.display_name FROM members m JOIN groups g ON g.id = m.group_id"
    alpha = f"{names} WHERE g.workspace = '{ALPHA.id}' ORDER BY m.id"
    assert [r["display_name"] for r in await hosted.rows(alpha)] == ["Alice", "Bob"]

    await hosted.bot.core.run_due(clock.advance(days=1, hours=1))
    assert [r["display_name"] for r in await hosted.rows(alpha)] == ["former member"] * 2
    [erased] = await hosted.rows(
        "SELECT prospect, email, need FROM referrals r JOIN groups g ON g.id = r.group_id"
        " WHERE g.workspace = ?",
        ALPHA.id,
    )
    assert erased == {"prospect": "erased", "email": None, "need": None}
    assert await hosted.rows(
        "SELECT count(*) AS n FROM outbox WHERE target LIKE ? OR payload LIKE ?",
        "%Jane Roe%",
        "%Jane Roe%",
    ) == [{"n": 0}]
    # Beta is untouched
    beta = f"{names} WHERE g.workspace = '{BETA.id}' ORDER BY m.id"
    assert [r["display_name"] for r in await hosted.rows(beta)] == ["Dan", "Eve"]
    assert await hosted.rows("SELECT prospect FROM referrals WHERE prospect = 'Sam Smith'")


async def test_installing_again_within_the_grace_period_resumes_as_it_was(hosted, fake, clock):
    await chapter(hosted, ALPHA, ALICE, BOB)
    await hosted.event(ALPHA, {"type": "app_uninstalled"})
    clock.advance(days=10)
    new_token = "xoxb-alpha-0003"
    assert (await hosted.install(ALPHA, token=new_token))[0] == 200
    fake.calls.clear()

    await hosted.bot.core.run_due(clock.advance(days=25))  # past the first grace period
    roster = await hosted.type(ALICE, "/rapport roster", ALPHA)
    assert "Alice" in roster and "Bob" in roster
    await hosted.type(ALICE, "/referral <@U0BOB|bob> Jane Roe -- needs a new roof", ALPHA)
    assert any("Jane Roe" in t for t in hosted.dms(BOB))
    assert hosted.tokens_used("chat.postMessage", channel=BOB["id"]) == {new_token}
    assert await hosted.rows("SELECT count(*) AS n FROM workspace_departures") == [{"n": 0}]


async def test_a_workspace_of_an_enterprise_grid_gets_its_messages_with_its_token(hosted, fake):
    """Slack names the org of a Grid workspace's installation; a group knows only its team."""
    store = hosted.bot.installs.store
    grid = Installation(
        app_id="A0RAPPORT",
        enterprise_id="E0GRID",
        team_id=ALPHA.id,
        team_name=ALPHA.name,
        bot_token="xoxb-grid-0004",
        bot_id="B0RAPPORT",
        bot_user_id="U0RAPPORT",
        bot_scopes=list(BOT_SCOPES),
        user_id="U0ALICE",
    )
    await store.async_save(grid)
    fake.teams["xoxb-grid-0004"] = ALPHA.id
    found = await store.async_find_bot(enterprise_id="E0GRID", team_id=ALPHA.id)
    assert found is not None and found.bot_token == "xoxb-grid-0004"
    assert await store.async_find_bot(enterprise_id="E0OTHER", team_id=ALPHA.id) is None
    client = await hosted.bot.messenger.clients.client(ALPHA.id)
    assert client is not None and client.token == "xoxb-grid-0004"


async def test_a_late_retry_of_an_uninstall_undone_since_keeps_the_new_installation(
    hosted, fake, clock
):
    """Slack retries an event it thinks was missed (up to three times, over some minutes).
    An admin who uninstalls by mistake and installs again at once is not uninstalled again
    by the retry: that uninstall happened before the installation Rapport now holds."""
    await chapter(hosted, ALPHA, ALICE, BOB)
    uninstall = await hosted.event(ALPHA, {"type": "app_uninstalled"})
    clock.advance(minutes=2)
    assert (await hosted.install(ALPHA, token="xoxb-alpha-0009"))[0] == 200

    await hosted.redeliver(uninstall, retry=1)

    assert await hosted.rows("SELECT team_id, bot_token FROM slack_installations") == [
        {"team_id": ALPHA.id, "bot_token": "xoxb-alpha-0009"}
    ]
    assert await hosted.rows("SELECT workspace FROM workspace_departures") == []
    fake.calls.clear()
    await hosted.type(ALICE, "/referral <@U0BOB|bob> Jane Roe -- needs a new roof", ALPHA)
    assert any("Jane Roe" in t for t in hosted.dms(BOB))


async def test_an_uninstall_after_a_reinstall_still_counts(hosted, clock):
    await chapter(hosted, ALPHA, ALICE, BOB)
    await hosted.event(ALPHA, {"type": "app_uninstalled"})
    clock.advance(minutes=2)
    assert (await hosted.install(ALPHA, token="xoxb-alpha-0009"))[0] == 200
    clock.advance(minutes=5)
    await hosted.event(ALPHA, {"type": "app_uninstalled"})
    assert await hosted.rows("SELECT team_id FROM slack_installations") == []
    assert await hosted.rows("SELECT workspace FROM workspace_departures") == [
        {"workspace": ALPHA.id}
    ]


async def test_a_workspace_whose_installation_is_back_is_never_erased(hosted, clock):
    """bolt saves the installation first and runs the success callback (which records the
    return) after, apart: a retention sweep in between, or a callback that fails, must not
    erase the groups of a workspace the app is installed in."""
    await chapter(hosted, ALPHA, ALICE, BOB)
    await hosted.event(ALPHA, {"type": "app_uninstalled"})
    clock.advance(days=31)
    await hosted.bot.installs.store.async_save(
        Installation(
            app_id=APP_ID,
            enterprise_id=None,
            team_id=ALPHA.id,
            team_name=ALPHA.name,
            bot_token="xoxb-alpha-0010",
            bot_id="B0RAPPORT",
            bot_user_id="U0RAPPORT",
            bot_scopes=list(BOT_SCOPES),
            user_id="U0ALICE",
        )
    )
    await hosted.bot.core.run_due(clock.now())  # the retention sweep, before the callback

    names = await hosted.rows(
        "SELECT m.display_name FROM members m JOIN groups g ON g.id = m.group_id"
        " WHERE g.workspace = ? ORDER BY m.id",
        ALPHA.id,
    )
    assert [r["display_name"] for r in names] == ["Alice", "Bob"]
    assert await hosted.rows("SELECT workspace FROM workspace_departures") == []


async def test_install_links_nobody_follows_do_not_pile_up(hosted, clock):
    """The install link needs no sign-in: every visit (a crawler, an <img>) gets a state.
    Expired ones are swept, and only so many are ever kept."""
    for _ in range(50):
        assert (await hosted.get("/slack/install")).status == 302
    clock.advance(hours=1)  # every one of them expired
    await hosted.bot.core.run_due(clock.now())
    assert await hosted.rows("SELECT count(*) AS n FROM slack_oauth_states") == [{"n": 0}]

    hosted.bot.installs.states.max_states = 5
    for _ in range(8):
        assert (await hosted.get("/slack/install")).status == 302
    assert await hosted.rows("SELECT count(*) AS n FROM slack_oauth_states") == [{"n": 5}]
    # the newest link still installs
    assert (await hosted.install(ALPHA))[0] == 200


async def test_uninstalling_a_grid_workspace_deletes_its_installation(hosted, fake):
    """Slack's uninstall event names the team; the installation goes whatever org it was
    saved under, as it is found whatever org asks."""
    store = hosted.bot.installs.store
    grid = Installation(
        app_id=APP_ID,
        enterprise_id="E0GRID",
        team_id=ALPHA.id,
        team_name=ALPHA.name,
        bot_token="xoxb-grid-0005",
        bot_id="B0RAPPORT",
        bot_user_id="U0RAPPORT",
        bot_scopes=list(BOT_SCOPES),
        user_id="U0ALICE",
    )
    await store.async_save(grid)
    await store.async_delete_installation(enterprise_id=None, team_id=ALPHA.id)
    assert await hosted.rows("SELECT team_id FROM slack_installations") == []
    assert await hosted.bot.messenger.clients.client(ALPHA.id) is None

    await store.async_save(grid)
    await hosted.event(ALPHA, {"type": "app_uninstalled"})
    assert await hosted.rows("SELECT team_id FROM slack_installations") == []
