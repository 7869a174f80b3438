"""Configuration: a TOML file becomes frozen dataclasses. Secrets are named, never held:
the file says which environment variable carries a token, and only the adapter reads it."""

from __future__ import annotations

import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.localtime import LocalTime, QuietHours
from bot.money import is_currency, known_locale
from bot.schedule import is_timezone


class ConfigError(Exception):
    """One line a person can act on: which key, what is allowed."""


@dataclass(frozen=True)
class NudgeSettings:
    # hours after a referral is logged before its receiver is nudged, by heat (5 = hottest)
    follow_up_hours: dict[int, int] = field(
        default_factory=lambda: {5: 4, 4: 24, 3: 48, 2: 72, 1: 168}
    )
    repeat_hours: int = 48
    max_follow_ups: int = 3
    progress_days: int = 14
    thank_hours: int = 24
    inactive_weeks: int = 4


@dataclass(frozen=True)
class ReminderSettings:
    evening_before: str = "18:00"  # the day before the meeting, group time; "" turns it off
    hours_before: int = 1  # 0 turns it off
    recap_hours_after: int = 2  # weekly recap this long after the meeting starts


@dataclass(frozen=True)
class LightSettings:
    """Traffic-light thresholds over a rolling window: (green from, amber from)."""

    window_weeks: int = 26
    referrals_per_meeting: tuple[float, float] = (1.0, 0.5)  # referrals and leads given
    one_to_ones_per_meeting: tuple[float, float] = (0.5, 0.25)
    attendance: tuple[float, float] = (0.95, 0.85)  # share of confirmed meetings attended
    business_per_meeting: tuple[float, float] = (0.25, 0.1)  # closed business reported
    visitors_per_meeting: tuple[float, float] = (0.1, 0.04)
    grey_days: int = 30  # members younger than this have no light yet


@dataclass(frozen=True)
class PrivacySettings:
    retention_days: int = 365  # prospect contact details erased this long after closing
    sent_messages_days: int = 30  # delivered (or given-up) messages deleted this long after
    files_dir: str = "rapport-files"  # where exports, members' data and charts are written
    files_days: int = 7  # and deleted this long after


@dataclass(frozen=True)
class InsightSettings:
    spheres_file: str = ""  # a chapter's own contact-sphere catalogue; "" = the one shipped
    suggestions: bool = True  # a monthly 1-2-1 suggestion by DM (members can opt out)
    suggest_after_days: int = 90  # suggest members not met for this long


@dataclass(frozen=True)
class DeliverySettings:
    # platform calls in flight at once (each conversation still gets one message at a time)
    concurrency: int = 64


@dataclass(frozen=True)
class SlackSettings:
    bot_token_env: str = "SLACK_BOT_TOKEN"
    app_token_env: str = "SLACK_APP_TOKEN"
    signing_secret_env: str = "SLACK_SIGNING_SECRET"
    api_url_env: str = "SLACK_API_URL"
    # many workspaces (`rapport slack --http` with no bot token): the app's OAuth credentials
    client_id_env: str = "SLACK_CLIENT_ID"
    client_secret_env: str = "SLACK_CLIENT_SECRET"
    redirect_uri_env: str = "SLACK_REDIRECT_URI"
    # a workspace that uninstalled the app keeps its data this long, then it is erased
    uninstall_grace_days: int = 30
    # where people reach this bot's HTTP server (https://your.host): the calendar feeds'
    # URLs start with it; "" turns the feeds off (not a secret: each feed's token is)
    public_url: str = ""


@dataclass(frozen=True)
class DiscordSettings:
    token_env: str = "DISCORD_TOKEN"
    guild_ids_env: str = "DISCORD_GUILD_IDS"
    api_url_env: str = "DISCORD_API_URL"


@dataclass(frozen=True)
class Settings:
    database: str = "rapport.db"
    # the variable that, when set, names the database instead of `database` (a URL with a
    # password in it is a secret: it never belongs in the file)
    database_env: str = "RAPPORT_DATABASE"
    timezone: str = "UTC"
    # a new group counts in its time zone's currency (bot.money); this one only where the
    # zone names no country (UTC)
    currency: str = "USD"
    locale: str = ""  # how a new group writes amounts; "" = its time zone's way (en_ZA, en_GB)
    quiet_hours: str = "21:00-07:00"
    nudges: NudgeSettings = field(default_factory=NudgeSettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    lights: LightSettings = field(default_factory=LightSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    insight: InsightSettings = field(default_factory=InsightSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    slack: SlackSettings = field(default_factory=SlackSettings)
    discord: DiscordSettings = field(default_factory=DiscordSettings)


_ENV = re.compile(r"[A-Z_][A-Z0-9_]*")


def load(path: str | Path) -> Settings:
    """Read a config file; a missing file, bad TOML or a bad value raises ConfigError."""
    p = Path(path)
    try:
        _refuse_if_others_can_write(p)
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such config file (copy config.example.toml to start)") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not valid TOML: a TOML file must be UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"{p}: cannot read the config file: {e.strerror}") from None
    return from_dict(data, source=str(p))


def _refuse_if_others_can_write(p: Path) -> None:
    """Whoever can write the config decides where Rapport writes its files and which
    variables it reads its secrets from: refuse a file anyone but its owner can change (a
    group-writable file is fine only in its owner's own private group, as with umask 002)."""
    st = p.stat()
    mode = stat.S_IMODE(st.st_mode)
    if mode & stat.S_IWOTH or (mode & stat.S_IWGRP and not _private_group(st.st_uid, st.st_gid)):
        raise ConfigError(
            f"{p}: others can write this file (mode {mode:04o}), so they could change what"
            f" Rapport does: make it writable by its owner only (chmod go-w {p})"
        )


def _private_group(uid: int, gid: int) -> bool:
    """The file's group is its owner's user-private group (the group named after them)."""
    import grp
    import pwd

    try:
        return grp.getgrgid(gid).gr_name == pwd.getpwuid(uid).pw_name
    except KeyError:
        return False


def database_target(
    settings: Settings, environ: Mapping[str, str], given: str | None = None
) -> str:
    """The database to open: `given` (--db), else the variable `database_env` names
    (RAPPORT_DATABASE), else [database] path: a SQLite file path or a postgresql:// URL.
    A URL may carry a password: whatever says which database this is must not repeat it
    (storage.databases.label)."""
    target = given
    if not target:
        target = environ.get(settings.database_env, "").strip()
    if not target:
        target = settings.database
    return target


def from_dict(data: dict[str, Any], source: str = "config") -> Settings:
    r = _Reader(data, source)
    db = r.section("database", {"path", "url_env"})
    general = r.section("defaults", {"timezone", "currency", "locale", "quiet_hours"})
    nudges = r.section("nudges", set(NudgeSettings.__dataclass_fields__))
    reminders = r.section("reminders", set(ReminderSettings.__dataclass_fields__))
    lights = r.section("lights", set(LightSettings.__dataclass_fields__))
    privacy = r.section("privacy", set(PrivacySettings.__dataclass_fields__))
    insight = r.section("insight", set(InsightSettings.__dataclass_fields__))
    delivery = r.section("delivery", set(DeliverySettings.__dataclass_fields__))
    slack = r.section("slack", set(SlackSettings.__dataclass_fields__))
    discord = r.section("discord", set(DiscordSettings.__dataclass_fields__))
    d, dn, dr = Settings(), NudgeSettings(), ReminderSettings()
    heat_hours = dict(dn.follow_up_hours)
    table = nudges.get("follow_up_hours", {})
    if not isinstance(table, dict):
        raise r.error(
            "nudges.follow_up_hours",
            'must be a table of heat to hours, like { "5" = 4, "1" = 168 }',
        )
    for key, value in table.items():
        if key not in ("1", "2", "3", "4", "5"):
            raise r.error("nudges.follow_up_hours", f'keys are heats "1" to "5", not {key!r}')
        heat_hours[int(key)] = r.positive_int(f"nudges.follow_up_hours.{key}", value)
    settings = Settings(
        database=r.text("database.path", db.get("path", d.database)),
        database_env=r.env_name("database.url_env", db.get("url_env", d.database_env)),
        timezone=r.timezone("defaults.timezone", general.get("timezone", d.timezone)),
        currency=r.currency("defaults.currency", general.get("currency", d.currency)),
        locale=r.locale("defaults.locale", general.get("locale", d.locale)),
        quiet_hours=r.quiet("defaults.quiet_hours", general.get("quiet_hours", d.quiet_hours)),
        nudges=NudgeSettings(
            follow_up_hours=heat_hours,
            repeat_hours=r.positive_int(
                "nudges.repeat_hours", nudges.get("repeat_hours", dn.repeat_hours)
            ),
            max_follow_ups=r.positive_int(
                "nudges.max_follow_ups", nudges.get("max_follow_ups", dn.max_follow_ups)
            ),
            progress_days=r.positive_int(
                "nudges.progress_days", nudges.get("progress_days", dn.progress_days)
            ),
            thank_hours=r.positive_int(
                "nudges.thank_hours", nudges.get("thank_hours", dn.thank_hours)
            ),
            inactive_weeks=r.positive_int(
                "nudges.inactive_weeks", nudges.get("inactive_weeks", dn.inactive_weeks)
            ),
        ),
        reminders=ReminderSettings(
            evening_before=r.hhmm_or_off(
                "reminders.evening_before", reminders.get("evening_before", dr.evening_before)
            ),
            hours_before=r.int_range(
                "reminders.hours_before", reminders.get("hours_before", dr.hours_before), 0, 24
            ),
            recap_hours_after=r.int_range(
                "reminders.recap_hours_after",
                reminders.get("recap_hours_after", dr.recap_hours_after),
                0,
                48,
            ),
        ),
        privacy=PrivacySettings(
            retention_days=r.positive_int(
                "privacy.retention_days",
                privacy.get("retention_days", PrivacySettings.retention_days),
            ),
            sent_messages_days=r.positive_int(
                "privacy.sent_messages_days",
                privacy.get("sent_messages_days", PrivacySettings.sent_messages_days),
            ),
            files_dir=r.text(
                "privacy.files_dir", privacy.get("files_dir", PrivacySettings.files_dir)
            ),
            files_days=r.positive_int(
                "privacy.files_days", privacy.get("files_days", PrivacySettings.files_days)
            ),
        ),
        insight=_insight(r, insight),
        lights=_lights(r, lights),
        delivery=_delivery(r, delivery),
        slack=_slack(r, slack),
        discord=DiscordSettings(**{k: r.env_name(f"discord.{k}", v) for k, v in discord.items()}),
    )
    return settings


def _slack(r: _Reader, section: dict[str, Any]) -> SlackSettings:
    grace = "uninstall_grace_days"
    names = {
        k: r.env_name(f"slack.{k}", v)
        for k, v in section.items()
        if k not in (grace, "public_url")
    }
    days = r.positive_int(f"slack.{grace}", section.get(grace, SlackSettings.uninstall_grace_days))
    url = section.get("public_url", "")
    if not isinstance(url, str) or (url and not url.startswith(("https://", "http://"))):
        raise r.error("slack.public_url", f"must be an https:// URL like https://rapport.example (got {url!r})")
    return SlackSettings(**names, uninstall_grace_days=days, public_url=url.rstrip("/"))


def _insight(r: _Reader, section: dict[str, Any]) -> InsightSettings:
    d = InsightSettings()
    path = section.get("spheres_file", d.spheres_file)
    if not isinstance(path, str):
        raise r.error("insight.spheres_file", f'must be a file path or "" (got {path!r})')
    if path:
        from bot.spheres import load_catalogue  # checked now, not at the first /rapport gaps

        try:
            load_catalogue(path)
        except (OSError, ValueError) as e:
            raise r.error("insight.spheres_file", str(e)) from None
    suggestions = section.get("suggestions", d.suggestions)
    if not isinstance(suggestions, bool):
        raise r.error("insight.suggestions", f"must be true or false (got {suggestions!r})")
    return InsightSettings(
        spheres_file=path,
        suggestions=suggestions,
        suggest_after_days=r.positive_int(
            "insight.suggest_after_days", section.get("suggest_after_days", d.suggest_after_days)
        ),
    )


def _delivery(r: _Reader, section: dict[str, Any]) -> DeliverySettings:
    value = section.get("concurrency", DeliverySettings.concurrency)
    return DeliverySettings(concurrency=r.int_range("delivery.concurrency", value, 1, 1000))


def _lights(r: _Reader, section: dict[str, Any]) -> LightSettings:
    d = LightSettings()
    values: dict[str, Any] = {}
    for key in LightSettings.__dataclass_fields__:
        v = section.get(key, getattr(d, key))
        if key in ("window_weeks", "grey_days"):
            values[key] = r.positive_int(f"lights.{key}", v)
        else:
            values[key] = r.thresholds(f"lights.{key}", v)
    return LightSettings(**values)


class _Reader:
    SECTIONS = (
        "database",
        "defaults",
        "nudges",
        "reminders",
        "lights",
        "privacy",
        "insight",
        "delivery",
        "slack",
        "discord",
    )

    def __init__(self, data: dict[str, Any], source: str) -> None:
        self.data = data
        self.source = source
        unknown = set(data) - set(self.SECTIONS)
        if unknown:
            raise ConfigError(
                f"{source}: unknown section [{sorted(unknown)[0]}]; "
                f"allowed: {', '.join(self.SECTIONS)}"
            )

    def error(self, key: str, what: str) -> ConfigError:
        return ConfigError(f"{self.source}: {key}: {what}")

    def section(self, name: str, keys: set[str]) -> dict[str, Any]:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise self.error(name, "must be a [section] table")
        unknown = sorted(set(value) - keys)
        if unknown:
            raise self.error(
                f"{name}.{unknown[0]}", f"unknown key; [{name}] takes {', '.join(sorted(keys))}"
            )
        return value

    def text(self, key: str, v: Any) -> str:
        if not isinstance(v, str) or not v.strip():
            raise self.error(key, f"must be a non-empty string (got {v!r})")
        return v

    def timezone(self, key: str, v: Any) -> str:
        if not is_timezone(v):
            raise self.error(key, f"must be an Area/City time zone like Europe/London (got {v!r})")
        return str(v)

    def currency(self, key: str, v: Any) -> str:
        if not isinstance(v, str) or not re.fullmatch(r"[A-Z]{3}", v) or not is_currency(v):
            raise self.error(key, f"must be a three-letter ISO currency code like USD (got {v!r})")
        return str(v)

    def locale(self, key: str, v: Any) -> str:
        if v == "":
            return ""
        found = known_locale(v) if isinstance(v, str) else None
        if found is None:
            raise self.error(
                key, f'must be a locale like en_ZA or de_DE, or "" for the time zone\'s (got {v!r})'
            )
        return found

    def quiet(self, key: str, v: Any) -> str:
        try:
            return str(QuietHours.parse(v, strict=True))
        except (TypeError, AttributeError, ValueError):
            raise self.error(key, f"must be HH:MM-HH:MM, like 21:00-07:00 (got {v!r})") from None

    def hhmm_or_off(self, key: str, v: Any) -> str:
        if v == "":
            return ""
        try:
            return str(LocalTime.parse(v, strict=True))
        except (TypeError, AttributeError, ValueError):
            raise self.error(
                key, f'must be HH:MM like 18:00, or "" to turn it off (got {v!r})'
            ) from None

    def positive_int(self, key: str, v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise self.error(key, f"must be a whole number of at least 1 (got {v!r})")
        return v

    def int_range(self, key: str, v: Any, lo: int, hi: int) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise self.error(key, f"must be a whole number from {lo} to {hi} (got {v!r})")
        return v

    def thresholds(self, key: str, v: Any) -> tuple[float, float]:
        ok = (
            isinstance(v, list | tuple)
            and len(v) == 2
            and all(isinstance(x, int | float) and not isinstance(x, bool) and x >= 0 for x in v)
            and v[0] >= v[1]
        )
        if not ok:
            raise self.error(key, f"must be [green from, amber from], like [1.0, 0.5] (got {v!r})")
        return (float(v[0]), float(v[1]))

    def env_name(self, key: str, v: Any) -> str:
        if not isinstance(v, str) or not _ENV.fullmatch(v):
            raise self.error(
                key, "must name an environment variable (like SLACK_BOT_TOKEN), never hold a secret"
            )
        return v
