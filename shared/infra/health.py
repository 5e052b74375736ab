import httpx
import psycopg

from shared.infra.components import Component, Kind
from shared.infra.kafka_probe import kafka_healthy
from shared.infra.processes import alive


def postgres_healthy(dsn: str, timeout: float = 2.0) -> bool:
    try:
        with psycopg.connect(dsn, connect_timeout=max(1, round(timeout))) as connection:
            return connection.execute("select 1").fetchone() == (1,)
    except psycopg.Error:
        return False


def http_healthy(base_url: str, timeout: float = 2.0) -> bool:
    try:
        answer = httpx.get(f"{base_url}/health", timeout=timeout)
        return answer.status_code == 200 and answer.json().get("status", "ok") == "ok"
    except (httpx.HTTPError, ValueError):
        return False


def healthy(component: Component, address: str, pid: int | None) -> bool:
    match component.kind:
        case Kind.KAFKA:
            return kafka_healthy(address)
        case Kind.POSTGRES:
            return postgres_healthy(address)
        case Kind.HTTP:
            return http_healthy(address)
        case Kind.WORKER:
            return pid is not None and alive(pid)
