"""Live mode against hostile servers on 127.0.0.1 (issue 16, part 6): a server that trickles, one that sends too
much, non-JSON or empty bodies, redirects, and endpoints that are not URLs. Each ends with one line and exit 3
(exit 2 for a --graph-url that is no URL), never a hang or exit 4. No test times anything: a hang would be caught
by the servers' bounded loops ending the response, after which the run would succeed and the test fail."""

from __future__ import annotations

import contextlib
import socket
import threading

import pytest

pytest.importorskip("msgraph", reason="live mode needs the graph extra: pip install 'scopelint[graph]'")

APP_ID = "8a7b6c5d-1234-4e5f-9a8b-0c1d2e3f4a5b"
SP = b'{"value": []}'


class RawServer:
    """Answers every request on a real socket with `respond(conn)`; each connection in its own thread."""

    def __init__(self, respond) -> None:
        self.respond = respond
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.requests = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            self.requests += 1
            with contextlib.suppress(OSError):  # the client gave up: what the tests want
                self.respond(conn)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def serve(monkeypatch):
    servers: list[RawServer] = []
    monkeypatch.setenv("SL_TEST_TOKEN", "token-for-tests")
    monkeypatch.delenv("SCOPELINT_GRAPH_URL", raising=False)

    def start(respond) -> RawServer:
        servers.append(RawServer(respond))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def _fetch(cli, url: str, *extra):
    run = cli("fetch", APP_ID, "--token-env", "SL_TEST_TOKEN", "--graph-url", url, *extra)
    assert "Traceback" not in run.stderr + run.stdout and "internal error" not in run.stderr, run.stderr
    return run


def _head(status: str = "200 OK", length: int | None = None, ctype: str = "application/json",
          extra: str = "") -> bytes:
    size = f"Content-Length: {length}\r\n" if length is not None else ""
    return f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n{size}{extra}Connection: close\r\n\r\n".encode()


def test_a_server_trickling_one_byte_at_a_time_meets_the_whole_response_deadline(cli, serve):
    import time

    body = b'{"id": "x", "appId": "' + APP_ID.encode() + b'", "requiredResourceAccess": []}' + b" " * 200

    def trickle(conn):
        conn.sendall(_head(length=len(body)))
        for i in range(len(body)):  # bounded: ~12 s in all, well past the 0.5 s deadline; each byte within it
            conn.sendall(body[i:i + 1])
            time.sleep(0.05)

    server = serve(trickle)
    run = _fetch(cli, server.url, "--timeout", "0.5")
    assert run.code == 3, (run.stdout, run.stderr)
    assert run.stderr.strip().splitlines()[-1].startswith("scopelint: external failure: ")
    assert "within 0.5 s" in run.stderr


def test_a_response_larger_than_the_cap_is_refused_by_its_length(cli, serve):
    server = serve(lambda conn: conn.sendall(_head(length=200 * 1024 * 1024)))
    run = _fetch(cli, server.url)
    assert run.code == 3 and "larger than the" in run.stderr, run.stderr


def test_a_streamed_response_is_cut_at_the_cap(cli, serve):
    def endless(conn):
        conn.sendall(_head(extra="Transfer-Encoding: chunked\r\n"))
        chunk = b" " * (1 << 20)
        for _ in range(100):  # bounded: 100 MB, past the 64 MB cap
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.sendall(b"0\r\n\r\n")

    server = serve(endless)
    run = _fetch(cli, server.url)
    assert run.code == 3 and "larger than the 67,108,864-byte limit" in run.stderr, run.stderr


@pytest.mark.parametrize("body, ctype, needle", [
    (b"<html><body>Sign in</body></html>", "text/html", "not JSON (text/html)"),
    (b"<html><body>Sign in</body></html>", "application/json", "not JSON"),
    (b"", "application/json", "an empty response"),
    (b"[1, 2, 3]", "application/json", "cannot read"),
    (b'"just a string"', "application/json", "cannot read"),
    (b"\xff\xfe\x00garbage", "application/json", "not JSON"),
])
def test_a_200_that_is_not_graph_json_is_an_external_failure(cli, serve, body, ctype, needle):
    server = serve(lambda conn: conn.sendall(_head(length=len(body), ctype=ctype) + body))
    run = _fetch(cli, server.url)
    assert run.code == 3, (run.stdout, run.stderr)
    assert needle in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 2  # the announcement and the one failure line


@pytest.mark.parametrize("status", ["301 Moved Permanently", "302 Found", "307 Temporary Redirect"])
def test_a_redirect_is_named_and_not_followed(cli, serve, status):
    server = serve(lambda conn: conn.sendall(_head(status, length=0, extra="Location: https://evil.example/x\r\n")))
    run = _fetch(cli, server.url)
    assert run.code == 3, run.stderr
    assert "redirect" in run.stderr and "evil.example" in run.stderr and "not followed" in run.stderr
    assert server.requests == 1


def test_a_connection_closed_without_an_answer_is_an_external_failure(cli, serve):
    server = serve(lambda conn: None)
    run = _fetch(cli, server.url)
    assert run.code == 3, run.stderr


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999", "http://127.0.0.1:abc", "https://",
                                 "http://127.0.0.1/\x00", "ftp://127.0.0.1", "http://user:pw@127.0.0.1",
                                 "http://127.0.0.1:1"])
def test_a_bad_graph_url_is_one_line_never_a_crash(cli, serve, url):
    run = _fetch(cli, url)
    assert run.code in (2, 3), (run.code, run.stderr)
    assert len(run.stderr.strip().splitlines()) <= 2 and "pw" not in run.stderr
