"""Participants of a plan (SPEC §3.1.5, §3.4)."""
