"""Tests of what a host deploys: the package, the units and compose file, health, logs, files."""
