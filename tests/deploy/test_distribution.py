"""The distribution is `rapport-bot` on PyPI (the name `rapport` belongs to an unrelated
2013 package); what it installs is the `rapport` command, whose --version is its version."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_distribution_is_rapport_bot_and_installs_the_rapport_command():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "rapport-bot"
    assert project["scripts"] == {"rapport": "bot.__main__:main"}
    dist = metadata.distribution("rapport-bot")
    scripts = {e.name: e.value for e in dist.entry_points if e.group == "console_scripts"}
    assert scripts == {"rapport": "bot.__main__:main"}


def test_rapport_version_prints_the_installed_distributions_version():
    rapport = Path(sys.executable).with_name("rapport")
    run = subprocess.run(
        [str(rapport), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert run.stdout == f"rapport {project['version']}\n"
    assert metadata.version("rapport-bot") == project["version"]


def test_every_install_line_in_the_readme_names_rapport_bot():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = [line for line in readme.splitlines() if "pip install" in line]
    assert lines, "the README says how to install Rapport"
    for line in lines:
        installs = line.split("pip install", 1)[1]
        assert "rapport-bot" in installs or "-e ." in installs or "-r " in installs, line
        assert "'rapport[" not in installs and " rapport " not in f"{installs} ", line
