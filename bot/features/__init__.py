"""Feature slices: each area's commands, parsing, handlers and wording side by side."""
