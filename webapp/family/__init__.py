"""The family's own plan page (SPEC §4, issue 12): what guardians and the youth ask when they
open their log, answered in a fixed number of queries. The page itself is ``plans.show`` for a
family member (``webapp.plans.routes``); this package gathers what it shows."""
