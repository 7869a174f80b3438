"""The leadership team's week: roles, PALMS attendance, substitutes, the absence rule and the PALMS report."""
