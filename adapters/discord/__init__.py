"""The Discord adapter: app commands, buttons and modals in, embeds and views out (discord.py 2.x)."""
