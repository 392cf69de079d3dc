"""Reads of the indicators app (groups.py: comparison groups)."""
