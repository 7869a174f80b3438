"""The roster: setup, join, profile, /onetoone, roster and seats (commands, handlers, wording, specs)."""
