"""Rapport's features, one package each: a feature's commands, parsing, handlers and wording."""
