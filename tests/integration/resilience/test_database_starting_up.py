"""A server that answers every connection with SQLSTATE 57P03 ("the database system is starting up").

That is what PostgreSQL says while it starts, recovers or replays WAL after a crash. asyncpg raises
``CannotConnectNowError``, which reaches the app wrapped in a plain SQLAlchemy ``DBAPIError``; every request
that needs the database must still be a 503 problem with ``Retry-After``, never a 500.
"""

import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterator

import pytest
from litestar.testing import AsyncTestClient

from api.app import create_app
from api.settings import Settings

SSL_REQUEST_CODE = 80877103
GSSENC_REQUEST_CODE = 80877104


def error_response(sqlstate: str, message: str) -> bytes:
    fields = b"".join(
        kind + value.encode() + b"\0"
        for kind, value in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", sqlstate), (b"M", message))
    )
    payload = fields + b"\0"
    return b"E" + struct.pack("!i", len(payload) + 4) + payload


def read_exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("client hung up")
        data += chunk
    return data


class StartingUp(socketserver.BaseRequestHandler):
    """Speak just enough of the protocol: refuse SSL/GSS, read the startup message, answer 57P03, hang up."""

    def handle(self) -> None:
        connection: socket.socket = self.request
        try:
            while True:
                length = struct.unpack("!i", read_exactly(connection, 4))[0]
                body = read_exactly(connection, length - 4)
                if struct.unpack("!i", body[:4])[0] in (SSL_REQUEST_CODE, GSSENC_REQUEST_CODE):
                    connection.sendall(b"N")
                    continue
                connection.sendall(error_response("57P03", "the database system is starting up"))
                return
        except ConnectionError:
            return


@pytest.fixture
def starting_up_url() -> Iterator[str]:
    # In a thread of its own: the test client blocks this test's event loop while a request runs.
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), StartingUp) as server:
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"postgresql+asyncpg://postgres@127.0.0.1:{server.server_address[1]}/positions"
        finally:
            server.shutdown()


async def test_a_database_starting_up_gives_503_problems_on_every_request(starting_up_url: str) -> None:
    async with AsyncTestClient(create_app(Settings.from_env(starting_up_url))) as client:
        started = time.monotonic()
        for path in (
            "/v1/actors",
            "/v1/stances/anything",
            "/v1/compare/actors?actors=edi-rama,keir-starmer&as_of=2025-05-15",
            "/v1/actors",  # again: a second attempt on the same (fresh) pool
        ):
            response = await client.get(path)
            assert response.status_code == 503, (path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"]
            assert response.json()["type"].endswith("/database-unavailable")
        ready = await client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["database"] is False
        assert (await client.get("/health")).status_code == 200
        assert time.monotonic() - started < 5  # refused at once, not timed out
