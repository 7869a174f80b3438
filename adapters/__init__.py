"""Thin translations between chat platforms (console, Slack, Discord) and the core."""
