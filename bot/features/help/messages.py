"""What /rapport help says about itself."""

from __future__ import annotations

# command → (usage, example, what it does), for /rapport help and every usage reply
USAGE: dict[str, tuple[str, str, str]] = {
    "help": ("help [command]", "help referral", "what each command does, with an example"),
}
