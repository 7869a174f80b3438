"""What the calendar commands say."""

from __future__ import annotations

from bot.messages import error, reply, slash
from bot.out import OutMessage

ICS_OFFER = f"{slash('meeting')} ics puts it in your calendar."


def ics_ready(group_name: str, paths: tuple[str, ...], skipped: int) -> OutMessage:
    skips = (
        f" The {skipped} skipped date{'s are' if skipped != 1 else ' is'} left out."
        if skipped
        else ""
    )
    return reply(
        "Here is the weekly meeting as a calendar file: open it to add the meeting to your"
        " calendar (importing a newer one updates it)." + skips,
        "meeting.ics",
        attachments=paths,
    )


def no_meeting_yet() -> OutMessage:
    return error(
        f"The group has no weekly meeting yet; the admin sets it with {slash('meeting')} set"
        " <weekday> <HH:MM> [Area/City] [-- where]."
    )


def feed_on(url: str) -> OutMessage:
    return reply(
        "The calendar feed is on. Subscribe to this private URL in your calendar app (Google"
        " Calendar: Other calendars → From URL; Outlook: Add calendar → Subscribe from web);"
        " it follows every change and skip by itself. Share it only with the group's"
        f" members; {slash('meeting')} feed off revokes it, and feed on again makes a new"
        f" one.\n{url}",
        "meeting.feed.on",
    )


def feed_off(was_on: bool) -> OutMessage:
    if not was_on:
        return reply("The calendar feed was not on; nothing changed.", "meeting.feed.off")
    return reply(
        "The calendar feed is off: its URL no longer answers. Calendars subscribed to it keep"
        " what they had but get no more changes.",
        "meeting.feed.off",
    )


def feed_needs_public_url() -> OutMessage:
    return error(
        "The calendar feed is served by Rapport's Slack web server, and this Rapport has no"
        " public address for it: whoever runs Rapport sets `public_url` under [slack] in its"
        f" configuration (Slack HTTP mode). Meanwhile {slash('meeting')} ics gives the file."
    )


def feed_slack_only() -> OutMessage:
    return error(
        "The calendar feed is served by Rapport's Slack web server, so it is for groups on"
        f" Slack; {slash('meeting')} ics gives the calendar file here."
    )
