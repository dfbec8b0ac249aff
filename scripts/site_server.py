"""A built site served on 127.0.0.1 from a thread, and the pages it holds: what the browser
tests and `make bench` open in Chromium (scripts/chromium.py)."""

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that closed a page mid-transfer
            super().handle_error(request, client_address)


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at a free port; yield the base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    with _Server(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/"
        finally:
            server.shutdown()


def site_pages(site: Path) -> list[str]:
    """Every page of a built site (both languages, notebooks and 404 pages included), as the
    URL a reader opens, relative to the site root: '', 'mle-em/', 'en/notebooks/x/', '404.html'."""
    urls = []
    for page in site.rglob("*.html"):
        path = page.relative_to(site).as_posix()
        urls.append(path.removesuffix("index.html") if page.name == "index.html" else path)
    return sorted(urls)
