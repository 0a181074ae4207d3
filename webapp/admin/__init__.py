"""The municipality's administration (SPEC §2, routine 000 "Legge til tilsette"): service
groups, units, administrators, employees and the municipality's settings."""
