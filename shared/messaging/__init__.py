"""Kafka plumbing shared by the services: CloudEvents codec, outbox, idempotent consumers, dead letters."""
