"""Data files Rapport ships with: the contact-sphere catalogue (spheres.toml)."""
