"""The fault suite: crashes, restarts, platform outages, retries, hostile input, tenancy, privacy."""
