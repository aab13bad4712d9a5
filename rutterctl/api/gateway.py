"""`HttpGateway`: the domain's `RutterGateway` over the HTTP client, validating wire models."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from rutterctl.api import convert, wire
from rutterctl.api.client import Reply, RutterClient
from rutterctl.domain.models import ConnectionStatus, ConnectionSummary, StoreInfo
from rutterctl.errors import ApiError

M = TypeVar("M", bound=BaseModel)


def parse(
    model: type[M],
    body: Any,
    path: str,
    *,
    status: int | None = None,
    request_id: str | None = None,
) -> M:
    """Validate a body; a shape we cannot use is an API error (exit 3), never a traceback.

    The error carries the response's request id: support needs it most for exactly this case.
    """
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "the document"
        raise ApiError(
            f"unexpected response shape from GET {path}: {where}: {first.get('msg', 'invalid')}",
            status=status,
            request_id=request_id,
            hint="Rutter may have changed its API; run with --debug and report the request id",
        ) from None


def _parse_reply(model: type[M], reply: Reply, path: str) -> M:
    return parse(model, reply.body, path, status=reply.status, request_id=reply.request_id)


class HttpGateway:
    def __init__(self, client: RutterClient) -> None:
        self.client = client

    def list_connections(self, status: str | None = None) -> list[ConnectionSummary]:
        params = {"status": status} if status else None
        reply = self.client.get_reply("/connections", params)
        doc = _parse_reply(wire.ListConnectionsResponse, reply, "/connections")
        return [convert.connection_summary(item) for item in doc.connections]

    def connection_status(self, access_token: str) -> ConnectionStatus:
        path = "/connections/status"
        reply = self.client.get_reply(path, {"access_token": access_token})
        return convert.connection_status(_parse_reply(wire.StatusResponse, reply, path))

    def store_info(self, access_token: str) -> StoreInfo | None:
        path = "/connections/access_token"
        reply = self.client.get_reply(path, {"access_token": access_token})
        return convert.store_info(_parse_reply(wire.AccessTokenResponse, reply, path))
