"""`HttpGateway`: the domain's `RutterGateway` over the HTTP client, validating wire models."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from rutterctl.api import convert, wire
from rutterctl.api.client import RutterClient
from rutterctl.domain.models import ConnectionStatus, ConnectionSummary, StoreInfo
from rutterctl.errors import ApiError

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], body: Any, path: str) -> M:
    """Validate a body; a shape we cannot use is an API error (exit 3), never a traceback."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "the document"
        raise ApiError(
            f"unexpected response shape from GET {path}: {where}: {first.get('msg', 'invalid')}",
            hint="Rutter may have changed its API; run with --debug and report the request id",
        ) from None


class HttpGateway:
    def __init__(self, client: RutterClient) -> None:
        self.client = client

    def list_connections(self, status: str | None = None) -> list[ConnectionSummary]:
        params = {"status": status} if status else None
        body = self.client.get("/connections", params)
        doc = parse(wire.ListConnectionsResponse, body, "/connections")
        return [convert.connection_summary(item) for item in doc.connections]

    def connection_status(self, access_token: str) -> ConnectionStatus:
        body = self.client.get("/connections/status", {"access_token": access_token})
        return convert.connection_status(parse(wire.StatusResponse, body, "/connections/status"))

    def store_info(self, access_token: str) -> StoreInfo | None:
        body = self.client.get("/connections/access_token", {"access_token": access_token})
        path = "/connections/access_token"
        return convert.store_info(parse(wire.AccessTokenResponse, body, path))
