"""Employment rules: pure functions of state, dates and ids passed in; no clock, no I/O."""
