"""Transfer of a log to a new unit (SPEC §3.6: kindergarten → school)."""
