"""BENCHMARKS.md keeps one Chaos section, whichever of `make bench` and `make chaos` ran last."""

from __future__ import annotations

from pathlib import Path

from chaos.benchmarks import include, with_chaos_section

SECTION = "## Chaos\n\n| kills |\n|---|\n| 12 |\n"


def test_the_section_is_appended_after_what_make_bench_wrote():
    document = "# Benchmarks\n\n## Throughput\n\nfast\n"
    assert with_chaos_section(document, SECTION) == document + "\n" + SECTION


def test_a_later_run_replaces_the_section_and_keeps_what_follows():
    document = "# Benchmarks\n\n## Chaos\n\nold\n\n## Later\n\nkept\n"
    assert with_chaos_section(document, SECTION) == "# Benchmarks\n\n" + SECTION + "\n## Later\n\nkept\n"


def test_the_file_is_created_when_make_bench_has_not_run(tmp_path: Path):
    chaos, benchmarks = tmp_path / "chaos.md", tmp_path / "BENCHMARKS.md"
    assert not include(benchmarks, chaos)
    chaos.write_text(SECTION)
    assert include(benchmarks, chaos)
    assert include(benchmarks, chaos)
    assert benchmarks.read_text().count("## Chaos") == 1
