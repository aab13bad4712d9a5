"""What the use cases need from the outside world, as protocols (implemented by rutterctl.api)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from rutterctl.domain.models import ConnectionStatus, ConnectionSummary, StoreInfo

Clock = Callable[[], datetime]


class RutterGateway(Protocol):
    def list_connections(self, status: str | None = None) -> list[ConnectionSummary]: ...

    def connection_status(self, access_token: str) -> ConnectionStatus: ...

    def store_info(self, access_token: str) -> StoreInfo | None: ...
