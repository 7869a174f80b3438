"""A member's own page: where they stand (Slack's Home tab, Discord's /rapport me)."""
