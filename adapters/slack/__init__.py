"""The Slack adapter: slash commands, buttons and modals into the core; its messages out as Block Kit."""
