"""The weekly meeting: /rapport meeting (commands, handlers, wording, specs)."""
