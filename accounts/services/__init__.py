"""Writes of the accounts app: ``events`` (the sign-in log), ``sessions`` (ending a user's
sessions) and ``factors`` (enrolling and resetting second factors)."""
