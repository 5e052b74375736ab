"""The one way a command becomes a fact: open the unit of work, check idempotency, run the handler, authorize
what it decided (issue 10), write the handler's events to the outbox with their audit rows, commit. A handler's
refusal is answered only after the scope check (`Policy.screen`), so it tells a caller nothing it may not know.

HTTP routes, Kafka learners (whose command is the envelope they learn from) and the operator import all come
through `Pipeline.handle`; only the adapters differ in how they build the command and present the outcome.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import structlog

from shared.application.access import Policy
from shared.application.clock import Clock
from shared.application.context import Context
from shared.application.outcome import Outcome
from shared.application.unit_of_work import Remembered, UnitOfWork
from shared.contracts.envelope import Envelope
from shared.errors import Conflict, DomainError, Forbidden
from shared.observability import tracing
from shared.security.identity import Actor

U = TypeVar("U", bound=UnitOfWork)
Handler = Callable[[Any, U, Context], Awaitable[Outcome]]
log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Idempotency:
    """A caller's key for "this command, once", and the keyed fingerprint of what it asked (reuse is a 409)."""

    key: str
    fingerprint: bytes


class Pipeline(Generic[U]):
    def __init__(
        self,
        handlers: Mapping[type, Handler[U]],
        unit_of_work: Callable[[], U],
        clock: Clock,
        source: str,
        policy: Policy | None = None,
    ) -> None:
        """`policy` None: no authorization (handler unit tests); every running service has one."""
        self._handlers = handlers
        self._unit_of_work = unit_of_work
        self.clock = clock
        self.source = source
        self._policy = policy

    def handles(self, command_type: type) -> bool:
        return command_type in self._handlers

    async def handle(
        self,
        command: object,
        *,
        recorded_at: datetime | None = None,
        idempotency: Idempotency | None = None,
        unit_of_work: U | None = None,
        actor: Actor | None = None,
    ) -> Outcome:
        """`recorded_at` for imported facts (their original time); `unit_of_work` to join a caller's transaction;
        `actor` the client a route or the import acts for (None for a learner: the fact was authorized where it
        was first recorded)."""
        handler = self._handlers[type(command)]
        context = Context(recorded_at or self.clock.now(), self.source, actor, tracing.current())
        async with unit_of_work or self._unit_of_work() as uow:
            if idempotency is not None:
                remembered = await uow.idempotency.recall(idempotency.key)
                if remembered is not None:
                    return _replayed(idempotency, remembered)
            try:
                outcome = await handler(command, uow, context)
            except DomainError as refusal:
                await self._screened(refusal, command, actor, context, uow)
                raise
            await self._authorized(command, outcome, actor, uow)
            for event in outcome.events:
                await uow.outbox.add(event)
            if idempotency is not None:
                await uow.idempotency.remember(
                    idempotency.key, Remembered(idempotency.fingerprint, dict(outcome.answer), outcome.held)
                )
            await uow.commit()
        for event in outcome.events:  # envelopes carry no personal data, so they may be logged
            log.info("fact recorded", type=event.type, event_id=str(event.id), partnership_id=str(event.partnership_id))
        return outcome

    async def _screened(self, refusal: DomainError, command: object, actor: Actor | None, ctx: Context, uow: U) -> None:
        """The scope check comes before the refusal: `Forbidden` replaces it for a caller who may not act here."""
        if self._policy is not None and actor is not None and not isinstance(refusal, Forbidden):
            await self._policy.screen(actor, command, ctx.today, uow.access, refusal)

    async def _authorized(self, command: object, outcome: Outcome, actor: Actor | None, uow: U) -> None:
        if self._policy is None:
            return
        if actor is not None:
            await self._policy.authorize(actor, outcome.events, outcome.held_as, uow.access)
            await uow.access.audit_facts(actor, outcome.events, self.clock.now())
        learned = (command,) if isinstance(command, Envelope) else ()
        await self._policy.learn((*learned, *outcome.events), uow.access)


def _replayed(idempotency: Idempotency, remembered: Remembered) -> Outcome:
    if remembered.fingerprint != idempotency.fingerprint:
        raise Conflict(f"Idempotency-Key {idempotency.key!r} was used for a different request")
    return Outcome(answer=remembered.answer, held=remembered.held, duplicate=True)
