"""Who comes: rsvp, attendance and visitors (commands, handlers, wording, specs)."""
