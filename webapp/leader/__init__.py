"""The leader's pages (SPEC §3.9): the units' plans as metadata, the review worklist, and a new
stafetthaldar at absence."""
