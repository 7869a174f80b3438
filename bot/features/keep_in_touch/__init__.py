"""Staying top of mind (seed 000): people outside the group a member keeps in touch with."""
