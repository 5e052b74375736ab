"""`cycle clients add|list|rotate|revoke` and `cycle audit`: operators' credentials for the parties' systems, and
the audit trail (issue 10).

These work on the database directly, so whoever may reach it is an operator: `cycle clients add --operator` is
also how the first operator client comes to exist. A secret is printed once, when added or rotated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar
from uuid import UUID

import typer
from rich.table import Table

from cli.ops.context import AsJson, console, errors, print_json, run, settings
from cli.ops.render import moment
from cli.ops.timespec import parse_moment
from shared.errors import DomainError
from shared.ops.database import where
from shared.ops.errors import DatabaseUnreachable, OpsError
from shared.security.administration import Issued
from shared.security.audit import AuditAction, AuditEntry, AuditQuery
from shared.security.identity import Client, Role, Scope
from shared.security.runtime import Administration, open_administration

T = TypeVar("T")
clients_app = typer.Typer(help="Credentials of parties' systems and operators: add, list, rotate, revoke.")
ClientId = Annotated[str, typer.Argument(help="The client's id, as `cycle clients list` shows it")]


def _administer(work: Callable[[Administration], Awaitable[T]]) -> T:
    async def administered() -> T:
        deployment = settings()  # the security schema is `security` plus the deployment's schema suffix
        database_url = deployment.database_url
        try:
            async with open_administration(deployment, database_url) as administration:
                return await work(administration)
        except DomainError as error:
            raise OpsError(error.detail) from error
        except OSError as error:
            raise DatabaseUnreachable(where(database_url), error) from error

    return run(administered())


def _client_json(client: Client) -> dict[str, object]:
    return {
        "client_id": client.client_id,
        "role": client.role.value,
        "party_id": client.party_id,
        "name": client.name,
        "scopes": sorted(client.scopes),
        "generation": client.generation,
        "created_at": client.created_at,
        "rotated_at": client.rotated_at,
        "revoked_at": client.revoked_at,
    }


def _show_issued(issued: Issued, as_json: bool) -> None:
    if as_json:
        print_json({**_client_json(issued.client), "client_secret": issued.secret})
        return
    _print_clients([issued.client])
    console.print(f"client_secret: [bold]{issued.secret}[/]", highlight=False)
    errors.print("The secret is shown only now; store it with the party's system.")


def _print_clients(clients: list[Client]) -> None:
    table = Table("client_id", "role", "party", "name", "scopes", "secret #", "created", "rotated", "revoked")
    for c in clients:
        party = str(c.party_id) if c.party_id else "-"
        when = (moment(c.created_at), moment(c.rotated_at), moment(c.revoked_at))
        table.add_row(c.client_id, c.role, party, c.name, " ".join(sorted(c.scopes)) or "-", str(c.generation), *when)
    console.print(table)


@clients_app.command()
def add(
    name: Annotated[str, typer.Option(help='What uses it, e.g. "Bijie college\'s student registry"')],
    role: Annotated[Role | None, typer.Option(help="The party's role")] = None,
    party: Annotated[UUID | None, typer.Option(help="The party's id, as recruitment knows it")] = None,
    operator: Annotated[bool, typer.Option("--operator", help="An operator's client: no party; may import")] = False,
    scope: Annotated[list[Scope] | None, typer.Option(help="A scope beyond the role's (repeatable)")] = None,
    as_json: AsJson = False,
) -> None:
    """Add a client for a party (--role, --party) or an operator (--operator); print its secret once."""
    if operator and role is None:
        chosen, scopes = Role.OPERATOR, frozenset(scope or [Scope.IMPORT])
    elif role is not None and not operator:
        chosen, scopes = role, frozenset(scope or [])
    else:
        raise typer.BadParameter("give either --operator or --role with --party")
    _show_issued(_administer(lambda a: a.clients.add(chosen, party, name, scopes)), as_json)


@clients_app.command("list")
def list_(
    include_revoked: Annotated[bool, typer.Option("--all", help="Also revoked clients")] = False,
    as_json: AsJson = False,
) -> None:
    """Every client (never a secret): role, party, scopes, and when it was added, rotated, revoked."""
    clients = _administer(lambda a: a.clients.listed(include_revoked=include_revoked))
    if as_json:
        print_json([_client_json(c) for c in clients])
    else:
        _print_clients(clients)


@clients_app.command()
def rotate(client_id: ClientId, as_json: AsJson = False) -> None:
    """Give a client a new secret, printed once; tokens issued under the old one stop working within seconds."""
    _show_issued(_administer(lambda a: a.clients.rotate(client_id)), as_json)


@clients_app.command()
def revoke(client_id: ClientId, as_json: AsJson = False) -> None:
    """Revoke a client for good: no new tokens, and every service refuses its current ones within seconds."""
    client = _administer(lambda a: a.clients.revoke(client_id))
    if as_json:
        print_json(_client_json(client))
    else:
        console.print(f"revoked {client.client_id} at {moment(client.revoked_at)}", highlight=False)


def _entry_json(entry: AuditEntry) -> dict[str, object]:
    return {
        "at": entry.at,
        "action": entry.action.value,
        "client_id": entry.client_id,
        "party_id": entry.party_id,
        "role": entry.role.value if entry.role else None,
        "event_id": entry.event_id,
        "event_type": entry.event_type,
        "partnership_id": entry.partnership_id,
        "operation": entry.operation,
        "address": entry.address,
        "detail": entry.detail,
    }


def audit(
    client: Annotated[str | None, typer.Option(help="Only this client's entries")] = None,
    party: Annotated[UUID | None, typer.Option(help="Only entries of this party's clients")] = None,
    action: Annotated[AuditAction | None, typer.Option(help="Only this kind of entry")] = None,
    event_type: Annotated[str | None, typer.Option("--type", help="Only facts of this event type")] = None,
    since: Annotated[str | None, typer.Option(help="From: ISO date-time or an age like 15m, 2h, 3d")] = None,
    until: Annotated[str | None, typer.Option(help="Before: ISO date-time or an age")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="At most this many, newest first")] = 100,
    as_json: AsJson = False,
) -> None:
    """Who did what, when and from where: tokens, credential changes, reads, commands and recorded facts."""
    query = AuditQuery(client, party, action, event_type, parse_moment(since), parse_moment(until), limit)
    entries = _administer(lambda a: a.audit.query(query))
    if as_json:
        print_json([_entry_json(e) for e in entries])
        return
    table = Table("at", "action", "client", "party", "what", "from", "detail")
    for e in entries:
        what = " ".join(str(part) for part in (e.event_type, e.event_id, e.operation) if part) or "-"
        party_text = str(e.party_id) if e.party_id else "-"
        table.add_row(moment(e.at), e.action, e.client_id or "-", party_text, what, e.address or "-", e.detail or "-")
    console.print(table)
