"""Connections that never finish a request are closed: uvicorn waits for a
request's headers (and body) as long as the client likes, so a few idle or
half-sent connections could hold the page. Each request must arrive whole
within REQUEST_SECONDS of the connection opening or of the previous answer;
between requests uvicorn's own keep-alive time-out (5 s) applies too."""

from __future__ import annotations

import os

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: A form post is a few hundred bytes: far less than this on any network.
REQUEST_SECONDS = float(os.environ.get("HANDOUTS_REQUEST_SECONDS", "15"))


class TimedH11(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request to arrive."""

    _deadline = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(REQUEST_SECONDS, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        if self.conn.their_state is not h11.DONE and not self.transport.is_closing():
            self.transport.close()      # never answered: half a request is no request

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state in (h11.DONE, h11.MUST_CLOSE, h11.CLOSED):
            self._disarm()              # the request is in: answering it is the app's time

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is not h11.DONE:
            self._arm()                 # the next request on this connection gets its own

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)
