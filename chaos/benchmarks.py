"""Keeps the "Chaos" section of BENCHMARKS.md equal to bench/chaos.md, which `make chaos` writes.

`make bench` rewrites BENCHMARKS.md from its own results and then runs this, so neither run clobbers the other:
the chaos numbers live in bench/chaos.md and are copied in, replacing the section a previous copy left.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEADING = "## Chaos"


def with_chaos_section(document: str, section: str) -> str:
    """`document` with its Chaos section (from the heading to the next level-2 heading) replaced by `section`."""
    start = document.find(HEADING)
    if start < 0:
        return document.rstrip("\n") + ("\n\n" if document.strip() else "") + section.rstrip("\n") + "\n"
    following = document.find("\n## ", start + len(HEADING))
    rest = document[following + 1 :] if following >= 0 else ""
    return document[:start] + section.rstrip("\n") + "\n" + ("\n" + rest if rest else "")


def include(benchmarks: Path = REPO / "BENCHMARKS.md", chaos: Path = REPO / "bench" / "chaos.md") -> bool:
    """Copy the chaos section in; False when there is none yet."""
    if not chaos.exists():
        return False
    document = benchmarks.read_text() if benchmarks.exists() else "# Benchmarks\n"
    benchmarks.write_text(with_chaos_section(document, chaos.read_text()))
    return True


if __name__ == "__main__":
    include()
