"""Names the delivery side needs without importing the slice: the outbox row that asks for a
member's page to be built and published when it goes."""

REFRESH_KIND = "home.refresh"
