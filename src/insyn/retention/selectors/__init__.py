"""Reads of the retention app, restricted to what the user may see (rules.py)."""
