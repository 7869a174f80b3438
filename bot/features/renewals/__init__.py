"""Members' renewal dates and leaves of absence, and what the membership committee is told."""
