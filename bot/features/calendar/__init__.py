"""The weekly meeting in people's calendars: an iCalendar file, and a private feed."""
