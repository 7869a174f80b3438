"""The visitor pipeline: invited → confirmed → attended → applied → joined | declined."""
