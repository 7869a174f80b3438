"""Members' data: export, my-data and forgetting (commands, handlers, wording, specs)."""
