"""The application layer every stage service shares: one pipeline from a command to the outbox.

A route, a Kafka learner and the operator import all build a command and hand it to `Pipeline.handle`; the
handler decides with the domain and returns an `Outcome`; the pipeline writes its events to the outbox and
commits. Nothing here knows HTTP or Kafka (the adapters in shared/web and shared/messaging translate).
"""
