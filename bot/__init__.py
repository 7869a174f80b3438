"""Rapport's platform-neutral core: commands, rules, messages, outbox and schedule."""
