"""`make chaos`: a scenario posted through the public APIs while the stack is SIGKILLed at random moments, then
proof that nothing was lost, nothing took effect twice and every figure equals the ground truth (issue 13).

The idea is faust's tests/stress/killer.py — bursts of kills while a counter flows, then count gaps and copies —
applied to the whole stack: every process is killed by its recorded pid, never by name.
"""
