import time
from collections.abc import Iterator
from pathlib import Path


def follow(paths: list[Path], poll: float = 0.25) -> Iterator[tuple[Path, str]]:
    """Yield (file, line) for lines appended to `paths` from now on; runs until the caller stops iterating."""
    offsets = {path: path.stat().st_size if path.exists() else 0 for path in paths}
    pending = dict.fromkeys(paths, b"")
    while True:
        for path in paths:
            if not path.exists():
                continue
            with path.open("rb") as file:
                if path.stat().st_size < offsets[path]:
                    offsets[path] = 0  # truncated or replaced
                file.seek(offsets[path])
                chunk = file.read()
            offsets[path] += len(chunk)
            *complete, pending[path] = (pending[path] + chunk).split(b"\n")
            for line in complete:
                yield path, line.decode(errors="replace")
        time.sleep(poll)
