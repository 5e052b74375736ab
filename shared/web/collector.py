"""What a service made while starting (its app, routes, models, pools and caches) lives as long as it does. Frozen
out of the cycle collector's generations, it is no longer walked by every full collection, which ran in the middle
of requests (issue 12: the assessment API's figure queries)."""

from __future__ import annotations

import gc


def freeze_startup_objects() -> None:
    gc.collect()
    gc.freeze()
