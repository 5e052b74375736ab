"""Recruitment rules: pure functions from state and a business date to an event payload, or a typed error."""
