"""Consent to the plan: create, send, sign, paper consent, withdraw (SPEC §3.1.5, §3.7)."""
