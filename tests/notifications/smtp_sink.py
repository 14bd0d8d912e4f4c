"""A small SMTP server in a thread of the test process, for worker tests that need to see
what a real SMTP client delivered and to stop it part-way.

It speaks just enough SMTP for ``smtplib`` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT), records the ``To`` of every message it accepts, and with ``block_after = k``
holds the next message after ``k`` — never answering its DATA — until ``release()``;
a held message is dropped, not accepted, like a server that never acknowledged it.
"""

import email
import socketserver
import threading
from collections import Counter


class _Handler(socketserver.StreamRequestHandler):
    timeout = 180

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        self.reply("220 sink ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data)
                if not data or not sink.accept(b"".join(lines)):
                    return  # the client went away, or the message is held then dropped
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class SMTPSink:
    def __init__(self):
        self.accepted: list[str] = []
        self.block_after: int | None = None
        self.holding = threading.Event()  # a message is held: the client is waiting
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.sink = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address
        return f"smtp://{host}:{port}"

    def accept(self, data: bytes) -> bool:
        with self._lock:
            hold = self.block_after is not None and len(self.accepted) >= self.block_after
            if not hold:
                self.accepted.append(email.message_from_bytes(data)["To"])
                return True
        self.holding.set()
        self._release.wait(timeout=120)
        return False

    def release(self) -> None:
        """Accept everything from now on; a held message is dropped."""
        with self._lock:
            self.block_after = None
        self._release.set()

    def delivered(self) -> Counter:
        with self._lock:
            return Counter(self.accepted)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.release()
        self._server.shutdown()
        self._server.server_close()
