"""The numbers: stats, leaderboard, lights and gaps (commands, handlers, wording, specs)."""
