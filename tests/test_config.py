"""Configuration as an operator meets it: the example file is the defaults, every bad value
is one line naming its key, and the command line says so without a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, from_dict, load

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "config.example.toml"


def write(tmp_path: Path, text: str, name: str = "rapport.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message, message
    return message


# --- the example and the defaults ----------------------------------------------------------
def test_the_example_file_loads_and_equals_the_defaults():
    assert load(EXAMPLE) == Settings()


def test_an_empty_file_is_all_defaults(tmp_path):
    assert load(write(tmp_path, "")) == Settings()


def test_values_in_the_file_replace_the_defaults(tmp_path):
    s = load(
        write(
            tmp_path,
            """
[database]
path = "club.db"
[defaults]
timezone = "Africa/Johannesburg"
currency = "ZAR"
quiet_hours = "22:00-06:30"
[nudges]
follow_up_hours = { "5" = 2 }
repeat_hours = 12
[reminders]
evening_before = ""
hours_before = 0
[slack]
bot_token_env = "CLUB_SLACK_TOKEN"
""",
        )
    )
    assert (s.database, s.timezone, s.currency, s.quiet_hours) == (
        "club.db",
        "Africa/Johannesburg",
        "ZAR",
        "22:00-06:30",
    )
    # one heat changed, the others keep their defaults
    assert s.nudges.follow_up_hours == {5: 2, 4: 24, 3: 48, 2: 72, 1: 168}
    assert s.nudges.repeat_hours == 12
    assert s.nudges.max_follow_ups == Settings().nudges.max_follow_ups
    assert (s.reminders.evening_before, s.reminders.hours_before) == ("", 0)
    assert s.slack.bot_token_env == "CLUB_SLACK_TOKEN"
    assert s.slack.app_token_env == "SLACK_APP_TOKEN"


# --- bad values: one line, naming the key --------------------------------------------------
BAD = [
    ('[defaults]\ntimezone = "Mars/Base"\n', "defaults.timezone"),
    ('[defaults]\ntimezone = "EST"\n', "defaults.timezone"),
    ('[defaults]\ncurrency = "dollars"\n', "defaults.currency"),
    ('[defaults]\ncurrency = "usd"\n', "defaults.currency"),
    ('[defaults]\nquiet_hours = "9pm-7am"\n', "defaults.quiet_hours"),
    ('[defaults]\nquiet_hours = "21:00-21:00"\n', "defaults.quiet_hours"),
    ("[nudges]\nrepeat_hours = 0\n", "nudges.repeat_hours"),
    ('[nudges]\nrepeat_hours = "2"\n', "nudges.repeat_hours"),
    ("[nudges]\nrepeat_hours = true\n", "nudges.repeat_hours"),
    ("[nudges]\nmax_follow_ups = 1.5\n", "nudges.max_follow_ups"),
    ('[nudges]\nfollow_up_hours = { "6" = 4 }\n', "nudges.follow_up_hours"),
    ('[nudges]\nfollow_up_hours = { "5" = 0 }\n', "nudges.follow_up_hours.5"),
    ("[nudges]\nfollow_up_hours = 4\n", "nudges.follow_up_hours"),
    ('[reminders]\nevening_before = "6pm"\n', "reminders.evening_before"),
    ("[reminders]\nhours_before = 25\n", "reminders.hours_before"),
    ("[reminders]\nrecap_hours_after = -1\n", "reminders.recap_hours_after"),
    ('[database]\npath = ""\n', "database.path"),
    ('defaults = "UTC"\n', "defaults"),
    ("[bogus]\nx = 1\n", "[bogus]"),
    ('[slack]\nbot_tokn_env = "SLACK_BOT_TOKEN"\n', "bot_tokn_env"),
    ('[discord]\ntoken = "DISCORD_TOKEN"\n', "token(?!_env)"),
    # a typo must not silently leave the default in place
    ('[defaults]\ntimezon = "Europe/London"\n', "timezon(?!e)"),
    ("[nudges]\nrepeat_hour = 12\n", "repeat_hour(?!s)"),
]


@pytest.mark.parametrize(("text", "key"), BAD, ids=[f"{k}:{t.split(chr(10))[1]}" for t, k in BAD])
def test_a_bad_value_is_one_line_naming_its_key(tmp_path, text, key):
    message = config_error(write(tmp_path, text))
    pattern = key if "(?!" in key else re.escape(key)
    assert re.search(pattern, message), message


def test_an_unknown_section_lists_the_allowed_ones(tmp_path):
    message = config_error(write(tmp_path, "[slak]\nbot_token_env = 'X'\n"))
    assert "unknown section [slak]" in message
    assert "slack" in message


def test_an_unknown_slack_key_lists_the_allowed_ones(tmp_path):
    message = config_error(write(tmp_path, '[slack]\nbot_tokn_env = "X"\n'))
    assert message.startswith(str(tmp_path / "rapport.toml") + ": slack.bot_tokn_env: unknown key")
    assert "bot_token_env" in message


@pytest.mark.parametrize(
    ("section", "key", "secret"),
    [
        ("slack", "bot_token_env", "xoxb-123"),
        ("slack", "app_token_env", "xapp-1-A0-123-abc"),
        ("slack", "signing_secret_env", "8f14e45fceea167a5a36dedd4bea2543"),
        ("discord", "token_env", "MTIz.NDU2.Nzg5"),
    ],
)
def test_a_secret_in_the_file_is_refused_and_not_repeated(tmp_path, section, key, secret):
    message = config_error(write(tmp_path, f'[{section}]\n{key} = "{secret}"\n'))
    assert f"{section}.{key}" in message
    assert "environment variable" in message
    assert secret not in message


def test_from_dict_refuses_the_same_way():
    with pytest.raises(ConfigError, match=r"defaults\.currency"):
        from_dict({"defaults": {"currency": "dollars"}})


# --- files that cannot be read -------------------------------------------------------------
def test_a_missing_file_is_one_line(tmp_path):
    path = tmp_path / "nope.toml"
    message = config_error(path)
    assert str(path) in message
    assert "no such config file" in message


def test_invalid_toml_is_one_line_with_where(tmp_path):
    path = write(tmp_path, '[defaults]\ntimezone = "UTC\n')
    message = config_error(path)
    assert str(path) in message
    assert "not valid TOML" in message
    assert "line 2" in message


def test_a_file_that_is_not_utf8_is_invalid_toml_not_a_crash(tmp_path):
    # TOML files must be UTF-8; a Latin-1 file is invalid TOML.
    path = tmp_path / "latin1.toml"
    path.write_bytes('[database]\npath = "café.db"\n'.encode("latin-1"))
    message = config_error(path)
    assert str(path) in message


# --- the command line ----------------------------------------------------------------------
def run_cli(config: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = write(tmp_path, "alice> /rapport help\n", "script.txt")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--config",
            str(config),
            "console",
            "--db",
            str(tmp_path / "cli.db"),
            "--script",
            str(script),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )


def test_the_cli_runs_with_the_example_config(tmp_path):
    result = run_cli(EXAMPLE, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Rapport keeps your group's referrals moving" in result.stdout


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[defaults]\ntimezone = "Mars/Base"\n', "defaults.timezone"),
        ("[nudges]\nrepeat_hours = 0\n", "nudges.repeat_hours"),
        ('[slack]\nbot_token_env = "xoxb-123"\n', "slack.bot_token_env"),
        ("[bogus]\n", "[bogus]"),
        ("[defaults\n", "not valid TOML"),
    ],
)
def test_the_cli_refuses_a_bad_config_in_one_line(tmp_path, text, key):
    result = run_cli(write(tmp_path, text), tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("rapport: ")
    assert key in line
    assert "Traceback" not in result.stderr
    assert "xoxb-123" not in result.stderr
    assert not (tmp_path / "cli.db").exists()


def test_the_cli_refuses_a_missing_config_in_one_line(tmp_path):
    result = run_cli(tmp_path / "missing.toml", tmp_path)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "missing.toml: no such config file" in line


def test_the_calendar_feeds_public_url_must_be_a_web_address(tmp_path):
    from bot.config import ConfigError, load

    path = tmp_path / "c.toml"
    path.write_text('[slack]\npublic_url = "https://rapport.example/"\n', encoding="utf-8")
    assert load(str(path)).slack.public_url == "https://rapport.example"
    path.write_text('[slack]\npublic_url = "rapport.example"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"slack.public_url: must be an https:// URL"):
        load(str(path))
