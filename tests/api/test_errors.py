"""Classification of Rutter's answers: by error_code first, whatever the HTTP status."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from rutterctl.api.errors import classify, error_fields, is_definitive
from rutterctl.errors import (
    ApiError,
    ConnectionDisabled,
    ConnectionNeedsUpdate,
    CredentialsRejected,
    NotReady,
    Unavailable,
)
from rutterctl.secrets import register

from tests import builders
from tests.api.support import make_client
from tests.builders import Answer, error_body, respond

CASES = [
    (400, "PRODUCT_NOT_READY", NotReady),
    (409, "PRODUCT_NOT_READY", NotReady),
    (500, "PRODUCT_NOT_READY", NotReady),
    (401, "INVALID_CREDENTIALS", CredentialsRejected),
    (400, "INVALID_CREDENTIALS", CredentialsRejected),
    (400, "NEEDS_UPDATE", ConnectionNeedsUpdate),
    (409, "NEEDS_UPDATE", ConnectionNeedsUpdate),
    (400, "CONNECTION_DISABLED", ConnectionDisabled),
    (403, "CONNECTION_DISABLED", ConnectionDisabled),
    (400, "PRODUCT_NOT_ALLOWED", ApiError),
    (404, "SOMETHING_NEW", ApiError),
    (410, "SOMETHING_NEW", ApiError),
    (450, "PLATFORM_SAID_NO", ApiError),
]


@pytest.mark.parametrize(("status", "code", "kind"), CASES)
def test_errors_are_classified_by_error_code_under_any_status(
    status: int, code: str, kind: type[ApiError]
) -> None:
    rutter = builders.fake_rutter(status=respond(status, error_body(code), request_id="req-77"))
    h = make_client(rutter)
    with pytest.raises(ApiError) as caught:
        h.gateway.connection_status(builders.ACCESS_TOKEN)
    error = caught.value
    assert type(error) is kind
    assert error.status == status
    assert error.error_code == code
    assert error.error_type == "CONNECTION_ERROR"
    assert error.request_id == "req-77"
    assert len(rutter.requests) == 1


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, CredentialsRejected),
        (403, CredentialsRejected),
        (404, ApiError),
        (400, ApiError),
        (429, Unavailable),
        (452, Unavailable),
        (502, Unavailable),
    ],
)
def test_without_an_error_code_the_status_decides(status: int, kind: type[ApiError]) -> None:
    error = classify(status, {"unexpected": True}, "req-1")
    assert type(error) is kind
    assert error.error_code is None
    assert error.status == status


def test_the_one_line_names_code_status_and_request_id() -> None:
    error = classify(409, error_body("PRODUCT_NOT_READY", "still syncing"), "req-9")
    assert error.one_line() == (
        "the connection is not ready yet: its initial sync is still running: "
        "Rutter says 'still syncing' (PRODUCT_NOT_READY, HTTP 409, request id req-9)"
    )
    assert classify(404, None, None).one_line() == (
        "not found, or not supported for this platform (HTTP 404, request id not given)"
    )


def test_rutters_message_is_redacted_and_kept_to_one_line() -> None:
    token = "0f0e0d0c-0b0a-4999-8888-777766665555"
    register(token)
    message = f"access token {token} is invalid\nsecond line" + "x" * 500
    error = classify(401, error_body("INVALID_CREDENTIALS", message), "req-2")
    assert token not in error.message
    assert "****5555" in error.message
    assert "\n" not in error.one_line()
    assert len(error.message) < 400


@pytest.mark.parametrize(
    "body",
    [None, [], "PRODUCT_NOT_READY", {"error_code": 5}, {"error_code": ""}, {"error_type": None}],
)
def test_odd_error_bodies_are_tolerated(body: object) -> None:
    assert error_fields(body)[1] is None
    assert is_definitive(body) is False
    assert type(classify(400, body, None)) is ApiError


@pytest.mark.parametrize(
    ("status", "content", "content_type"),
    [
        (200, b"<html><body>Service temporarily unavailable</body></html>", "text/html"),
        (502, b"<html><body>Bad gateway</body></html>", "text/html"),
        (200, b'{"connection": {"id": "abc"}, "status": {"is_re', "application/json"),
        (200, b'{"connections": ["\xff\xfe\xfa"]}', "application/json"),
    ],
    ids=["html-200", "html-502", "truncated-json", "non-utf8"],
)
def test_unreadable_bodies_are_retried_then_unavailable(
    status: int, content: bytes, content_type: str
) -> None:
    answer = respond(status, content=content, headers={"content-type": content_type})
    rutter = builders.fake_rutter(status=answer)
    h = make_client(rutter)
    with pytest.raises(Unavailable) as caught:
        h.gateway.connection_status(builders.ACCESS_TOKEN)
    assert len(rutter.requests) == 5
    assert caught.value.status == status
    assert caught.value.request_id == builders.REQUEST_ID


def test_a_2xx_html_page_is_described_by_content_type_and_size() -> None:
    page = b"<html>captive portal</html>"
    rutter = builders.fake_rutter(
        status=respond(200, content=page, headers={"content-type": "text/html"})
    )
    with pytest.raises(Unavailable) as caught:
        make_client(rutter).gateway.connection_status(builders.ACCESS_TOKEN)
    assert caught.value.message == (
        f"Rutter answered with a body that is not JSON (text/html, {len(page)} bytes)"
    )


def test_an_html_error_page_on_a_4xx_is_an_api_error_without_retry() -> None:
    answer = respond(
        400, content=b"<html>Bad request</html>", headers={"content-type": "text/html"}
    )
    rutter = builders.fake_rutter(status=answer)
    h = make_client(rutter)
    with pytest.raises(ApiError) as caught:
        h.gateway.connection_status(builders.ACCESS_TOKEN)
    assert type(caught.value) is ApiError
    assert caught.value.message == "Rutter answered HTTP 400"
    assert len(rutter.requests) == 1


@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        ("/connections/status", {"connection": builders.status_doc()["connection"]}, "status"),
        ("/connections/status", {"connection": {}, "status": {"is_ready": True}}, "connection.id"),
        ("/connections/status", [], "the document"),
        ("/connections", {"connections": [{"id": "x"}]}, "connections.0.access_token"),
        ("/connections/access_token", {"store": {}}, "connection"),
    ],
)
def test_an_unexpected_shape_is_an_api_error_naming_the_request_id(
    path: str, body: object, where: str
) -> None:
    answer = respond(200, body, request_id="req-shape")
    routes = {
        "/connections/status": "status",
        "/connections": "connections",
        "/connections/access_token": "store",
    }
    route: dict[str, Answer] = {routes[path]: answer}
    rutter = builders.fake_rutter(**route)
    gateway = make_client(rutter).gateway
    calls: dict[str, Callable[[], object]] = {
        "/connections/status": lambda: gateway.connection_status(builders.ACCESS_TOKEN),
        "/connections": gateway.list_connections,
        "/connections/access_token": lambda: gateway.store_info(builders.ACCESS_TOKEN),
    }
    with pytest.raises(ApiError) as caught:
        calls[path]()
    error = caught.value
    assert type(error) is ApiError
    assert error.message.startswith(f"unexpected response shape from GET {path}: {where}: ")
    assert error.request_id == "req-shape"
    assert error.status == 200
    assert len(rutter.requests) == 1  # a shape problem does not go away with a retry


def test_a_json_error_body_survives_content_type_confusion() -> None:
    body = json.dumps(error_body("NEEDS_UPDATE")).encode()
    answer = respond(400, content=body, headers={"content-type": "text/plain"})
    rutter = builders.fake_rutter(status=answer)
    with pytest.raises(ConnectionNeedsUpdate):
        make_client(rutter).gateway.connection_status(builders.ACCESS_TOKEN)


def undecodable(request: httpx.Request) -> httpx.Response:
    # A stream, as on the wire: httpx decodes the body only when it is read.
    return httpx.Response(
        200,
        headers={"content-encoding": "gzip", "X-Rutter-Request-ID": "req-gz"},
        stream=httpx.ByteStream(b"not gzip at all"),
    )


def test_a_body_that_cannot_be_decoded_is_unreadable_not_a_crash() -> None:
    rutter = builders.fake_rutter(status=undecodable)
    h = make_client(rutter)
    with pytest.raises(Unavailable) as caught:
        h.gateway.connection_status(builders.ACCESS_TOKEN)
    assert caught.value.message == (
        "Rutter answered with a body that is not JSON (no content type; its gzip content "
        "encoding could not be decoded)"
    )
    assert (caught.value.status, caught.value.request_id) == (200, "req-gz")
    assert len(rutter.requests) == 5  # retried like any unreadable body


def test_an_undecodable_error_body_is_classified_by_status() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            404,
            headers={"content-encoding": "gzip", "X-Rutter-Request-ID": "req-gz"},
            stream=httpx.ByteStream(b"not gzip"),
        )

    rutter = builders.fake_rutter(status=answer)
    with pytest.raises(ApiError) as caught:
        make_client(rutter).gateway.connection_status(builders.ACCESS_TOKEN)
    assert type(caught.value) is ApiError
    assert caught.value.one_line() == (
        "not found, or not supported for this platform (HTTP 404, request id req-gz)"
    )
    assert len(rutter.requests) == 1
