"""Recruitment's application layer: commands, the unit-of-work port, and one handler per command."""
