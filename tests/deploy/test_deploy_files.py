"""The files a host deploys from, read the way docker compose and systemd read them: the
services and what they run, the commands they run exist in `rapport`'s CLI, the variables
they set or ask for are the ones Rapport reads, and no secret is written into any of them.
(docker is not installed where these tests run: the image is not built here.)"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from bot.__main__ import parser
from bot.config import DiscordSettings, Settings, SlackSettings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
RAPPORT_SERVICES = ("migrate", "slack", "discord")

# every variable Rapport reads, by the names the default config gives them
READ_BY_RAPPORT = {
    *(getattr(SlackSettings(), f) for f in SlackSettings.__dataclass_fields__),
    *(getattr(DiscordSettings(), f) for f in DiscordSettings.__dataclass_fields__),
    Settings().database_env,
    "DISCORD_CLIENT_ID",  # rapport discord-invite
}
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?[?-][^}]*)?\}")
TOKEN_LIKE = re.compile(
    r"xox[a-z]-|xapp-|[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"
)


def env_names(path: Path) -> dict[str, str]:
    """NAME=value lines of an env file (comments and blank lines left out)."""
    names = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            names[name.strip()] = value
    return names


def cli(argv: list[str]):
    """What `rapport ARGV` would run; argparse exits on anything the CLI does not have."""
    try:
        return parser().parse_args(argv)
    except SystemExit as e:
        raise AssertionError(f"`rapport {' '.join(argv)}` is not a command Rapport has") from e


# --- compose.yaml ------------------------------------------------------------------------------
def test_compose_runs_postgres_the_migration_and_one_worker_per_platform():
    services = COMPOSE["services"]
    assert set(services) == {"postgres", *RAPPORT_SERVICES}
    assert services["postgres"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    for name in RAPPORT_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["env_file"] == ".env"
    assert cli(services["migrate"]["command"]).adapter == "migrate"
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for worker in ("slack", "discord"):  # after the migration, and only if it succeeded
        assert services[worker]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }


def test_the_workers_run_commands_the_cli_has_and_are_probed_where_they_serve():
    services = COMPOSE["services"]
    slack = cli(services["slack"]["command"])
    assert (slack.adapter, slack.http, slack.host) == ("slack", True, "0.0.0.0")
    assert services["slack"]["ports"] == [f"127.0.0.1:{slack.port}:{slack.port}"]
    discord = cli(services["discord"]["command"])
    assert (discord.adapter, discord.health_host) == ("discord", "0.0.0.0")
    for service, port in (("slack", slack.port), ("discord", discord.health_port)):
        probe = services[service]["healthcheck"]["test"]
        assert probe[:3] == ["CMD", "python", "-c"]
        assert f"http://127.0.0.1:{port}/readyz" in probe[3]
        compile(probe[3], "healthcheck", "exec")  # the probe is Python the image can run
    assert cli(services["slack"]["command"]).log_format == "json"


def test_compose_sets_and_asks_only_for_variables_rapport_or_postgres_reads():
    text = (REPO / "compose.yaml").read_text(encoding="utf-8")
    example = env_names(REPO / ".env.example")
    for name in RAPPORT_SERVICES:
        assert set(COMPOSE["services"][name]["environment"]) <= READ_BY_RAPPORT
    database = COMPOSE["services"]["slack"]["environment"]["RAPPORT_DATABASE"]
    assert database.startswith("postgresql://rapport:${POSTGRES_PASSWORD")
    assert database.endswith("@postgres:5432/rapport")
    # every ${NAME} compose interpolates comes from .env, and .env names nothing else
    interpolated = set(INTERPOLATION.findall(text))
    assert interpolated == {"POSTGRES_PASSWORD"}
    assert set(example) <= READ_BY_RAPPORT | interpolated
    # what the workers need is all in the example
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"} <= set(example)


def test_no_secret_is_written_in_compose_or_the_env_example():
    text = (REPO / "compose.yaml").read_text(encoding="utf-8")
    assert not TOKEN_LIKE.search(text)
    for service in COMPOSE["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|TOKEN|SECRET|DATABASE", name):
                assert "${" in str(value), f"{name} is written into compose.yaml"
                assert not re.search(r"://[^:/]+:(?!\$\{)[^@]+@", str(value)), name
    assert set(env_names(REPO / ".env.example").values()) == {""}


def test_the_env_file_stays_out_of_git_and_out_of_the_image():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored
    docker_ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "**/.env" in docker_ignored and "**/*.env" in docker_ignored
    assert "*.db" in docker_ignored


# --- Dockerfile --------------------------------------------------------------------------------
def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_the_image_is_slim_python_installed_without_dev_tools_run_as_a_user_by_rapport():
    steps = instructions()
    words = [w for w, _ in steps]
    [base] = [rest for w, rest in steps if w == "FROM"]
    match = re.fullmatch(r"python:3\.(\d+)-slim", base)
    assert match, base
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    assert int(match.group(1)) >= int(requires.removeprefix(">=3."))
    [install] = [rest for w, rest in steps if w == "RUN" and "pip install" in rest]
    assert "[dev" not in install and "-e " not in install
    extras = dict(rest.split("=", 1) for w, rest in steps if w == "ARG")
    optional = tomllib.loads((REPO / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert extras["EXTRAS"] in optional and extras["EXTRAS"] != "dev"
    [user] = [rest for w, rest in steps if w == "USER"]
    assert user not in ("root", "0") and not user.startswith("0:")
    assert words.index("USER") > max(i for i, (w, r) in enumerate(steps) if w == "RUN")
    [entry] = [rest for w, rest in steps if w == "ENTRYPOINT"]
    assert json.loads(entry) == ["rapport"]
    [cmd] = [rest for w, rest in steps if w == "CMD"]
    assert json.loads(cmd) == ["--help"]  # `docker run rapport-bot` lists the commands
    # the files volume's mount point is the user's, so the volume starts out theirs
    assert "/srv/rapport/rapport-files" in " ".join(r for w, r in steps if w == "RUN")
    for w, rest in steps:
        if w in ("ENV", "ARG"):
            assert not re.search(r"TOKEN|SECRET|PASSWORD", rest), rest


# --- systemd -----------------------------------------------------------------------------------
def unit(name: str) -> configparser.RawConfigParser:
    """A unit file as systemd reads it: `#` starts a comment only at the start of a line, so
    anything after a value (a 'trailing comment') is part of the value."""
    p = configparser.RawConfigParser(
        strict=False, interpolation=None, delimiters=("=",), comment_prefixes=("#", ";")
    )
    p.optionxform = str  # type: ignore[assignment,method-assign]
    p.read_string((REPO / "deploy" / name).read_text(encoding="utf-8"))
    return p


@pytest.mark.parametrize(("name", "platform"), [("slack", "slack"), ("discord", "discord")])
def test_the_systemd_unit_runs_rapport_as_its_user_with_its_env_file(name, platform):
    u = unit(f"rapport-{name}.service")
    service = u["Service"]
    assert service["User"] == "rapport" and service["Group"] == "rapport"
    env_file = service["EnvironmentFile"]
    assert re.fullmatch(r"-?/[\w./-]+", env_file), f"EnvironmentFile={env_file!r}"
    assert service["Restart"] == "on-failure"
    argv = shlex.split(service["ExecStart"])
    assert argv[0].startswith("/") and argv[0].endswith("/rapport")
    args = cli(argv[1:])
    assert args.adapter == platform
    assert args.health_port is not None and args.health_host == "127.0.0.1"
    assert u["Install"]["WantedBy"] == "multi-user.target"
    assert "network-online.target" in u["Unit"]["After"]
    # hardening that keeps a Python network service working
    expected = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "UMask": "0077",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
        "CapabilityBoundingSet": "",
    }
    assert {k: service.get(k) for k in expected} == expected
    assert service["WorkingDirectory"] in service["ReadWritePaths"].split()
    assert "MemoryDenyWriteExecute" not in service  # would break ctypes/cffi callbacks


@pytest.mark.parametrize("name", ["slack", "discord"])
def test_the_units_env_file_names_only_variables_rapport_reads_and_holds_no_value(name):
    names = env_names(REPO / "deploy" / f"{name}.env.example")
    assert set(names) <= READ_BY_RAPPORT
    assert set(names.values()) == {""}
    needed = {"slack": {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"}, "discord": {"DISCORD_TOKEN"}}
    assert needed[name] <= set(names)
    assert Path(unit(f"rapport-{name}.service")["Service"]["EnvironmentFile"]).name == (
        f"{name}.env"
    )


def test_the_readme_points_to_the_units_and_shows_no_unit_with_a_trailing_comment():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for path in ("deploy/rapport-slack.service", "deploy/rapport-discord.service"):
        assert f"({path})" in readme or f"`{path}`" in readme
    for line in readme.splitlines():
        if line.startswith("EnvironmentFile="):
            assert "#" not in line, line
    assert "docker is not" in readme.lower() or "not built" in readme.lower()


@pytest.mark.parametrize("name", ["slack", "discord"])
def test_systemd_itself_reads_the_unit_without_a_complaint(name, tmp_path):
    """systemd-analyze verify: every key known, every value well-formed. (The command is
    swapped for /usr/bin/true: verify also wants the program to exist.)"""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    text = (REPO / "deploy" / f"rapport-{name}.service").read_text(encoding="utf-8")
    copy = tmp_path / f"rapport-{name}.service"
    copy.write_text(text.replace("/srv/rapport/.venv/bin/rapport ", "/usr/bin/true "))
    run = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60, check=False
    )
    assert (run.returncode, run.stderr) == (0, "")
