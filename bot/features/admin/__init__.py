"""Running the group: leave, remove, settings and admins (commands, handlers, wording, specs)."""
