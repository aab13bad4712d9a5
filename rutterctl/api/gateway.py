"""`HttpGateway`: the domain's `RutterGateway` over the HTTP client, reading wire documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rutterctl.api import convert
from rutterctl.api.client import Reply, RutterClient
from rutterctl.api.wire import ShapeError
from rutterctl.domain.models import ConnectionStatus, ConnectionSummary, StoreInfo
from rutterctl.errors import ApiError
from rutterctl.secrets import register

T = TypeVar("T")


def parse(
    read: Callable[[Any], T],
    body: Any,
    path: str,
    *,
    status: int | None = None,
    request_id: str | None = None,
) -> T:
    """Read a body with one of `convert`'s readers; a shape we cannot use is an API error
    (exit 3), never a traceback.

    The error carries the response's request id: support needs it most for exactly this case.
    """
    try:
        return read(body)
    except ShapeError as exc:
        raise ApiError(
            f"unexpected response shape from GET {path}: {exc}",
            status=status,
            request_id=request_id,
            hint="Rutter may have changed its API; run with --debug and report the request id",
        ) from None


def _parse_reply(read: Callable[[Any], T], reply: Reply, path: str) -> T:
    return parse(read, reply.body, path, status=reply.status, request_id=reply.request_id)


class HttpGateway:
    def __init__(self, client: RutterClient) -> None:
        self.client = client

    def list_connections(self, status: str | None = None) -> list[ConnectionSummary]:
        params = {"status": status} if status else None
        reply = self.client.get_reply("/connections", params)
        connections = _parse_reply(convert.connection_summaries, reply, "/connections")
        for connection in connections:  # secrets, wherever they are echoed later
            register(connection.access_token)
        return connections

    def connection_status(self, access_token: str) -> ConnectionStatus:
        path = "/connections/status"
        reply = self.client.get_reply(path, {"access_token": access_token})
        return _parse_reply(convert.connection_status, reply, path)

    def store_info(self, access_token: str) -> StoreInfo | None:
        path = "/connections/access_token"
        reply = self.client.get_reply(path, {"access_token": access_token})
        return _parse_reply(convert.store_info, reply, path)
