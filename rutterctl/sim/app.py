"""The simulator's WSGI application: Rutter's API under /versioned, the control surface under /_sim.

Hand-routed: five GET endpoints do not need a framework. The same callable runs in process
(`httpx.WSGITransport(app=SimApp(sim))`) and on loopback under waitress (`rutterctl.sim.server`).
Every response, errors included, carries a unique `X-Rutter-Request-ID`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

import httpx

from rutterctl.sim import control, documents, paging
from rutterctl.sim.faults import Fault, retry_after_header
from rutterctl.sim.responses import Headers, Response, json_response
from rutterctl.sim.state import DEFAULT_LISTING, LISTING_GROUPS, Connection, Simulator

StartResponse = Callable[..., Any]
REQUEST_ID_HEADER = "X-Rutter-Request-ID"
API_PREFIX = "/versioned"
CONTROL_PREFIX = "/_sim"
VERSIONS = ("2024-08-31", "2024-04-30", "2023-03-14", "2023-02-07")

# HTTP statuses for Rutter's connection error codes (Rutter documents none; clients must
# classify on error_code). See docs/simulator.md.
CONNECTION_ERRORS: dict[str, tuple[int, str]] = {
    "INVALID_CREDENTIALS": (401, "The client id, client secret or access token is not valid."),
    "PRODUCT_NOT_READY": (
        409,
        "The connection's initial sync has not completed yet. Retry later or pass "
        "force_fetch=true for the data synced so far.",
    ),
    "NEEDS_UPDATE": (
        400,
        "The connection needs to be updated: the merchant must re-authenticate it through "
        "the connection's link_url.",
    ),
    "CONNECTION_DISABLED": (
        400,
        "The connection is disabled. Please contact Rutter support if you believe this is "
        "a mistake.",
    ),
}
STATUS_CODES = {429: "RATE_LIMIT_EXCEEDED", 502: "BAD_GATEWAY", 503: "SERVICE_UNAVAILABLE"}
HTML_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


class DropConnection(httpx.RemoteProtocolError):
    """Close the connection without an answer. In process, httpx sees exactly this error; under
    waitress, `rutterctl.sim.server` catches it and closes the socket before any byte is sent."""

    def __init__(self) -> None:
        super().__init__("Server disconnected without sending a response (simulated).")


def error(
    status: int, error_type: str, code: str, message: str, headers: Headers | None = None
) -> Response:
    doc = {"error_type": error_type, "error_code": code, "error_message": message}
    return json_response(status, doc, headers)


def connection_error(code: str) -> Response:
    status, message = CONNECTION_ERRORS[code]
    return error(status, "CONNECTION_ERROR", code, message)


def invalid(message: str, code: str = "INVALID_PARAMETER") -> Response:
    return error(400, "INVALID_REQUEST", code, message)


class SimApp:
    def __init__(self, sim: Simulator, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.sim = sim
        self.sleep = sleep

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request_id = str(uuid.uuid4())
        path = environ.get("PATH_INFO") or "/"
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            status, headers, body = self._api(environ, path[len(API_PREFIX) :] or "/", query)
        elif path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            if self._authorized(environ):
                body_in = _read_body(environ)
                status, headers, body = control.handle(
                    self.sim, environ["REQUEST_METHOD"], path, query, body_in
                )
            else:
                status, headers, body = json_response(
                    401, {"error": "the control surface takes the simulator's Basic credentials"}
                )
        else:
            status, headers, body = error(
                404,
                "INVALID_REQUEST",
                "ROUTE_NOT_FOUND",
                f"No route {path}; the API is under /versioned",
            )
        headers = [*headers, ("Content-Length", str(len(body))), (REQUEST_ID_HEADER, request_id)]
        start_response(f"{status} {_phrase(status)}", headers)
        return [body]

    # -- the Rutter API -------------------------------------------------------------------
    def _api(self, environ: dict[str, Any], path: str, query: dict[str, str]) -> Response:
        sim = self.sim
        sim.tick()
        fault = sim.faults.next_fault(path)
        delay = sim.faults.latency_ms + (fault.latency_ms if fault is not None else 0.0)
        if delay > 0:
            self.sleep(delay / 1000.0)
        if fault is not None and fault.kind != "latency":
            return self._fault(fault, environ, path, query)
        return self._serve(environ, path, query)

    def _serve(self, environ: dict[str, Any], path: str, query: dict[str, str]) -> Response:
        sim = self.sim
        if not self._authorized(environ):
            return connection_error("INVALID_CREDENTIALS")
        wait = sim.limiter.check()
        if wait is not None:
            headers = [("Retry-After", retry_after_header(wait))] if sim.retry_after else []
            return error(
                429,
                "RATE_LIMIT_ERROR",
                "RATE_LIMIT_EXCEEDED",
                f"Rate limit of {sim.limiter.describe()} exceeded for the organization.",
                headers,
            )
        if environ["REQUEST_METHOD"] != "GET":
            return error(
                405, "INVALID_REQUEST", "METHOD_NOT_ALLOWED", "The simulator serves GET only."
            )
        version = environ.get("HTTP_X_RUTTER_VERSION")
        if not version:
            return invalid("The X-Rutter-Version header is required.", "MISSING_VERSION")
        if version not in VERSIONS:
            return invalid(
                f"Unknown X-Rutter-Version {version!r}; one of {', '.join(VERSIONS)}.",
                "INVALID_VERSION",
            )
        handler = ROUTES.get(path)
        if handler is None:
            return error(
                404, "INVALID_REQUEST", "ROUTE_NOT_FOUND", f"No route GET {API_PREFIX}{path}."
            )
        return handler(self, query)

    def _fault(
        self, fault: Fault, environ: dict[str, Any], path: str, query: dict[str, str]
    ) -> Response:
        headers: Headers = []
        if fault.retry_after is not None:
            headers.append(("Retry-After", retry_after_header(fault.retry_after)))
        if fault.kind == "drop":
            raise DropConnection()
        if fault.kind == "html":
            return fault.status, [("Content-Type", "text/html"), *headers], HTML_PAGE
        if fault.kind == "truncated":
            _, real_headers, body = self._serve(environ, path, query)
            return 200, [*real_headers, *headers], body[: max(1, len(body) // 2)]
        code = STATUS_CODES.get(fault.status, "INTERNAL_SERVER_ERROR")
        kind = "RATE_LIMIT_ERROR" if fault.status == 429 else "API_ERROR"
        return error(fault.status, kind, code, f"Simulated {fault.status} failure.", headers)

    def _authorized(self, environ: dict[str, Any]) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = (
                base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            return False
        ok_user = hmac.compare_digest(user.encode(), self.sim.client_id.encode())
        ok_password = hmac.compare_digest(password.encode(), self.sim.client_secret.encode())
        return ok_user and ok_password

    def _connection(self, query: dict[str, str]) -> Connection | Response:
        token = query.get("access_token")
        if not token:
            return invalid("The access_token query parameter is required.", "MISSING_ACCESS_TOKEN")
        conn = self.sim.find(token)
        if conn is None or conn.access_token != token:
            return connection_error("INVALID_CREDENTIALS")
        return conn

    # -- endpoints --------------------------------------------------------------------------
    def list_connections(self, query: dict[str, str]) -> Response:
        wanted = query.get("status")
        if wanted is None:
            groups: tuple[str, ...] = DEFAULT_LISTING
        elif wanted == "any":
            groups = LISTING_GROUPS
        elif wanted in LISTING_GROUPS:
            groups = (wanted,)
        else:
            choices = ", ".join((*LISTING_GROUPS, "any"))
            return invalid(f"status must be one of {choices}, not {wanted!r}.")
        with self.sim.lock:
            now = self.sim.now()
            items = [
                documents.listed_connection(c)
                for c in self.sim.connections.values()
                if c.listing_group(now) in groups
            ]
        return json_response(200, {"connections": items})

    def connection_status(self, query: dict[str, str]) -> Response:
        conn = self._connection(query)
        if not isinstance(conn, Connection):
            return conn
        with self.sim.lock:
            doc = documents.status_document(conn, self.sim.now(), self.sim.org_id)
        return json_response(200, doc)

    def access_token(self, query: dict[str, str]) -> Response:
        conn = self._connection(query)
        if not isinstance(conn, Connection):
            return conn
        with self.sim.lock:
            doc = documents.access_token_document(conn, self.sim.now())
        return json_response(200, doc)

    def orders(self, query: dict[str, str]) -> Response:
        return self._data("orders", query)

    def transactions(self, query: dict[str, str]) -> Response:
        return self._data("transactions", query)

    def _data(self, kind: str, query: dict[str, str]) -> Response:
        conn = self._connection(query)
        if not isinstance(conn, Connection):
            return conn
        try:
            q = paging.parse_query(kind, query)
        except paging.BadQuery as exc:
            return invalid(f"{exc}.")
        with self.sim.lock:
            now = self.sim.now()
            stage = conn.stage(now)
            space = conn.order_space(now)
        if stage == "DISABLED":
            return connection_error("CONNECTION_DISABLED")
        if stage == "NEEDS_UPDATE":
            return connection_error("NEEDS_UPDATE")
        if stage == "INITIAL_SYNC" and query.get("force_fetch") != "true":
            return connection_error("PRODUCT_NOT_READY")
        items, cursor = paging.page(space, kind, q)
        head = {"id": conn.id, "orgId": self.sim.org_id, "platform": conn.spec.platform}
        body = (
            f'{{"connection":{json.dumps(head)},"{kind}":[{",".join(items)}],'
            f'"next_cursor":{json.dumps(cursor)}}}'
        )
        return 200, [("Content-Type", "application/json")], body.encode()


ROUTES: dict[str, Callable[[SimApp, dict[str, str]], Response]] = {
    "/connections": SimApp.list_connections,
    "/connections/status": SimApp.connection_status,
    "/connections/access_token": SimApp.access_token,
    "/orders": SimApp.orders,
    "/transactions": SimApp.transactions,
}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return {450: "Platform Error", 452: "Platform Rate Limited"}.get(status, "Error")


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    data: bytes = environ["wsgi.input"].read(min(length, 1_000_000))
    return data
