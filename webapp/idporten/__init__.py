"""ID-porten login and signing (issue 12)."""
