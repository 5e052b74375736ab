"""HTTP conventions shared by the stage services: errors, idempotency keys, pagination, lifecycle."""
