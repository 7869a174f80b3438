"""HTTP mode on a real socket: slack-bolt's aiohttp app on 127.0.0.1 takes signed POSTs to
/slack/events; anything not signed with the app's secret, or signed too long ago, is
refused with 401 before it reaches Rapport."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from adapters.slack.cli import start_http
from tests.slack.conftest import ALICE, BOB, GROUP
from tests.slack.payloads import SIGNING_SECRET, encode_form, signed_headers, slash_form
from tests.slack.test_commands import rows


@pytest.fixture
async def url(slack) -> AsyncIterator[str]:
    runner, port = await start_http(slack, "127.0.0.1", 0)
    yield f"http://127.0.0.1:{port}/slack/events"
    await runner.cleanup()


def setup_form(fake) -> str:
    return encode_form(
        slash_form(
            "/rapport",
            "setup Breakfast Club",
            user=ALICE,
            channel_id=GROUP[0],
            channel_name=GROUP[1],
            response_url=fake.response_url("http-setup"),
        )
    )


async def post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as r,
    ):
        return r.status, await r.text()


async def test_a_signed_command_over_http_is_acked_and_answered(url, fake, slack):
    body = setup_form(fake)
    assert await post(url, body, signed_headers(body)) == (200, "")
    [answer] = fake.responses("http-setup")
    assert answer["response_type"] == "ephemeral"
    assert "Breakfast Club is set up in this channel" in answer["text"]
    assert len(await rows(slack, "SELECT id FROM groups")) == 1


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda h, body: {**h, "x-slack-signature": "v0=" + "0" * 64}, id="bad-signature"
        ),
        pytest.param(
            lambda h, body: signed_headers(body, timestamp=int(time.time()) - 301), id="301s-old"
        ),
        pytest.param(lambda h, body: {"content-type": h["content-type"]}, id="no-headers"),
        pytest.param(
            lambda h, body: signed_headers(body, secret="another-apps-secret"), id="other-secret"
        ),
    ],
)
async def test_unsigned_or_stale_requests_get_401_and_store_nothing(url, fake, slack, tamper):
    body = setup_form(fake)
    status, _ = await post(url, body, tamper(signed_headers(body), body))
    assert status == 401
    assert await rows(slack, "SELECT id FROM groups") == []
    assert fake.responses("http-setup") == []


async def test_a_body_changed_after_signing_is_refused(url, fake, slack):
    body = setup_form(fake)
    headers = signed_headers(body)
    status, _ = await post(url, body.replace("Breakfast", "Hijacked"), headers)
    assert status == 401
    assert await rows(slack, "SELECT id FROM groups") == []


async def test_a_retry_over_http_logs_one_referral(url, fake, slack, group):
    form = slash_form(
        "/referral",
        "<@U0BOB|bob> Jane Roe jane@roe.example",
        user=ALICE,
        channel_id=GROUP[0],
        channel_name=GROUP[1],
        response_url=fake.response_url("http-referral"),
        trigger="13345224609.738474920.http",
    )
    body = encode_form(form)
    assert (await post(url, body, signed_headers(body)))[0] == 200
    assert (await post(url, body, signed_headers(body, retry=1)))[0] == 200
    assert len(await rows(slack, "SELECT id FROM referrals")) == 1
    assert len(group.dms(BOB)) == 1
    assert len(fake.responses("http-referral")) == 2  # both attempts answered, alike


def signed_with(body: str, timestamp: str) -> dict[str, str]:
    """Signed with the app's own secret over `v0:{timestamp}:{body}`, whatever the timestamp."""
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=body)
    assert signature is not None
    return {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signature,
    }


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "1.5e9", "", " 1", "1_700_000_000", "١٧٠٠٠٠٠٠٠٠", "9" * 5000],
    ids=["letters", "float", "empty", "spaced", "underscores", "arabic-digits", "huge"],
)
@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
async def test_a_timestamp_that_is_not_a_whole_number_gets_401_like_any_bad_signature(
    url, fake, slack, caplog, timestamp, signed
):
    caplog.set_level(logging.INFO)
    body = setup_form(fake)
    headers = signed_with(body, timestamp) if signed else signed_with(body, "0")
    headers["x-slack-request-timestamp"] = timestamp
    status, _ = await post(url, body, headers)
    assert status == 401
    assert await rows(slack, "SELECT id FROM groups") == []
    assert fake.responses("http-setup") == []
    assert not [r for r in caplog.records if r.exc_info], "no traceback for a bad timestamp"
    assert "Breakfast" not in caplog.text  # the refused body is not logged


async def test_the_signed_app_still_answers_a_good_timestamp_after_bad_ones(url, fake, slack):
    body = setup_form(fake)
    assert (await post(url, body, signed_with(body, "abc")))[0] == 401
    assert await post(url, body, signed_headers(body)) == (200, "")
    assert len(await rows(slack, "SELECT id FROM groups")) == 1


async def test_the_bolt_app_itself_refuses_a_bad_timestamp(fake, slack):
    """Through bolt's dispatch too (Socket Mode skips the check: it is Slack's own socket)."""
    body = setup_form(fake)
    for timestamp in ("abc", "", "12.0"):
        response = await slack.bolt.async_dispatch(
            AsyncBoltRequest(body=body, headers=signed_with(body, timestamp))
        )
        assert (response.status, response.body) == (401, '{"error": "invalid request"}')
    assert await rows(slack, "SELECT id FROM groups") == []
