"""What operators look at: topics, consumer lag, dead letters and outbox backlogs, read from the broker and the
database directly (never through a service), plus the one write, the replay of dead letters.

The `cycle` commands in cli/ops render these; everything here returns plain frozen records.
"""
