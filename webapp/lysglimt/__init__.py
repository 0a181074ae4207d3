"""Lysglimt (bright spots, SPEC §4): short notes of what went well, which any participant with
content access adds; the family sees them first on their plan page."""
