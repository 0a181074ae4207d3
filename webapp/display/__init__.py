"""The meeting-room display, paired to one meeting with a short code (SPEC §1)."""
