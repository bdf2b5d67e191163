"""A real OpenAI-compatible chat-completions server on 127.0.0.1, scripted by each test.

It speaks the wire protocol the `openai` client (and so llama-index `OpenAILike`)
expects: `POST /v1/chat/completions` answered with one JSON `chat.completion`, or,
when the request says `"stream": true`, with server-sent events of
`chat.completion.chunk` objects ending in `data: [DONE]`. Every request is recorded,
so a test can check what the assistant sent (system prompt, passages, rewrite
prompt) and that it sent nothing when it should not have.

A test scripts the replies with `server.reply_with(fn)`, where `fn(request)` returns
a `Reply`: the text to send (split into chunks when streaming), a delay before the
headers (to make the client time out), a delay between chunks, a raw body (to send
garbage), an HTTP error status, or a stream cut off before its end marker.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    content: str = ""
    chunks: tuple[str, ...] = ()  # how a streamed reply is cut; default: a few characters each
    delay_s: float = 0.0  # sleep before answering at all
    raw_body: bytes | None = None  # sent as is, with status 200, instead of a well-formed reply
    chunk_delay_s: float = 0.0
    status: int = 200  # another status answers with an OpenAI-style error body
    end_marker: bool = True  # False: the stream stops with neither a finish_reason nor [DONE] (a cut-off stream)

    def pieces(self) -> list[str]:
        if self.chunks:
            assert "".join(self.chunks) == self.content, "chunks must spell out the content"
            return list(self.chunks)
        return [self.content[i : i + 5] for i in range(0, len(self.content), 5)]


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    body: dict
    authorization: str

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def messages(self) -> list[dict]:
        return list(self.body.get("messages") or [])

    def message(self, role: str) -> str:
        """The text of the first message with this role ("" if none)."""
        for m in self.messages:
            if m.get("role") == role:
                content = m.get("content")
                if isinstance(content, list):  # content parts
                    return "".join(part.get("text", "") for part in content if isinstance(part, dict))
                return content or ""
        return ""


Responder = Callable[[RecordedRequest], Reply]


@dataclass
class OpenAIServer:
    """Start with `with OpenAIServer() as server:`; `server.base_url` is what OPENAI_BASE_URL takes."""

    model: str = "test-model"
    requests: list[RecordedRequest] = field(default_factory=list)
    _responder: Responder = field(default=lambda request: Reply("【未载明】"))
    _httpd: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def port(self) -> int:
        assert self._httpd is not None, "the server is not started"
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reply_with(self, responder: Responder | Reply) -> None:
        """Script the replies (a fixed `Reply`, or a function of the request) and forget earlier requests."""
        self._responder = responder if callable(responder) else (lambda request: responder)
        with self._lock:
            self.requests.clear()

    def answer_requests(self) -> list[RecordedRequest]:
        """The requests that asked for an answer (streamed), not for a rewrite."""
        return [r for r in self.requests if r.stream]

    def rewrite_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if not r.stream]

    def start(self) -> "OpenAIServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # keep test output clean
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, b'{"error": {"message": "not found"}}')
                    return
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._send(400, b'{"error": {"message": "bad json"}}')
                    return
                request = RecordedRequest(self.path, body, self.headers.get("Authorization", ""))
                with server._lock:
                    server.requests.append(request)
                reply = server._responder(request)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                try:
                    if reply.status != 200:
                        self._send(reply.status, json.dumps({"error": {"message": "scripted failure", "type": "server_error"}}).encode())
                    elif reply.raw_body is not None:
                        self._send(200, reply.raw_body, "text/plain")
                    elif request.stream:
                        self._stream(reply, body.get("model") or server.model)
                    else:
                        self._send(200, json.dumps(_completion(reply.content, body.get("model") or server.model)).encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a time-out test): nothing to answer

            def _send(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, reply: Reply, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                deltas = [{"role": "assistant", "content": ""}] + [{"content": piece} for piece in reply.pieces()]
                for delta in deltas:
                    self._event(_chunk(delta, None, model))
                    if reply.chunk_delay_s:
                        time.sleep(reply.chunk_delay_s)
                if reply.end_marker:
                    self._event(_chunk({}, "stop", model))
                    self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _event(self, data: dict) -> None:
                self.wfile.write(b"data: " + json.dumps(data, ensure_ascii=False).encode() + b"\n\n")
                self.wfile.flush()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, name="openai-server", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "OpenAIServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _completion(content: str, model: str) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def _chunk(delta: dict, finish_reason: str | None, model: str) -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }
