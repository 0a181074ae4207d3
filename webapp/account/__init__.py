"""An employee's own account: accept an invitation, set, change or reset the password."""
