"""Feature slices: each area's commands, parsing, handlers, wording and registry entries."""
