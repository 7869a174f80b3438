"""The few sentences only Discord needs (its option names, modals, buttons and set-up). Every
other sentence comes from the core (bot/features/<area>/messages.py, bot/messages.py), so the
wording stays the same on every platform."""

from __future__ import annotations

OR_TYPE = "Or type: "
DONE_MARK = "✓ "
BUTTON_FALLBACK = "Open"

GUILD_ONLY = "Use Rapport's commands in your group's server, not in a direct message."
BAD_OPTIONS = (
    "Discord sent this command with an option missing or of the wrong type, so I did"
    " nothing. If Rapport was just updated, Discord may still be refreshing its command"
    " list: wait a minute, then try again and pick members from the list as you type."
)
OTHER_GUILD = (
    "That button belongs to a group in another server, so I did nothing. Use the buttons"
    " and commands of a group in its own server."
)
THANKS_WHO = "Choose the member you are thanking (member), or give the referral's id (referral)."
NOTHING_SAVED = "Nothing was saved."

# the form that /referral opens when only the member is given
MODAL_TITLE = "Referral for {name}"
MODAL_PROSPECT = "Prospect's name"
MODAL_EMAIL = "Prospect's email"
MODAL_PHONE = "Prospect's phone"
MODAL_NEED = "What they need"
MODAL_HEAT = "Heat: 1 (cool) to 5 (ready to buy)"
MODAL_HEAT_HINT = "3"

FIELD_NAMES = {
    "prospect": "Prospect",
    "email": "Email",
    "phone": "Phone",
    "need": "Need",
    "heat": "Heat",
}


def fix_fields(errors: dict[str, str]) -> str:
    """FieldErrors named the way the member saw the fields."""
    lines = [f"**{FIELD_NAMES.get(k, k)}**: {v}" for k, v in errors.items()]
    return "Please check:\n" + "\n".join(lines) + "\n" + NOTHING_SAVED


def option_problem(option: str, problem: str) -> str:
    return f"**{option}**: {problem} {NOTHING_SAVED}"


def one_word(option: str, example: str) -> str:
    return option_problem(option, f"write it as one word, like {example}.")


# `rapport discord` and `rapport discord-invite`
PORTAL = "https://discord.com/developers/applications"
TOKEN_MISSING = (
    "{env} is not set. Copy your bot's token from the Discord Developer Portal ({portal}):"
    " your application → Bot → Reset Token, then export {env}=… and run again."
)
TOKEN_MALFORMED = (
    "{env} does not look like a Discord bot token (three parts separated by dots){hint}."
    " Copy it again from the Developer Portal ({portal}): your application → Bot → Reset Token."
)
TOKEN_REFUSED = (
    "Discord refused the token in {env} (401 Unauthorized). It may have been reset: copy a"
    " new one from the Developer Portal ({portal}): your application → Bot → Reset Token."
)
GUILDS_MALFORMED = (
    "{env} must list server ids separated by commas, like 123456789012345678 (Discord: User"
    " Settings → Advanced → Developer Mode, then right-click the server → Copy Server ID);"
    " “{bad}” is not one."
)
API_URL_MALFORMED = (
    "{env} must be an http(s) URL of a Discord-compatible API, like"
    " http://127.0.0.1:8080/api/v10; “{bad}” is not."
)
GATEWAY_UNKNOWN = (
    "{env} is set to {url}, but GET /gateway/bot there did not answer with a gateway address."
)
CLIENT_ID_MISSING = (
    "Give the application id with --client-id or in DISCORD_CLIENT_ID (Developer Portal →"
    " your application → General Information → Application ID)."
)
CLIENT_ID_MALFORMED = "{source} must be the numeric application id, like 123456789012345678."

INVITE_INTRO = "Open this link to add Rapport to a server you manage:"
INVITE_SCOPES = (
    "Scopes: bot (Rapport joins the server as a bot user) and applications.commands (its"
    " slash commands appear in the server)."
)
INVITE_WHY = "Permissions it asks for, and why:"
