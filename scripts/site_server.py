"""A built site served on 127.0.0.1, text files gzip-compressed as static hosts send them:
what `make serve` runs, and what the browser tests and `make bench` open in Chromium
(scripts/chromium.py), from a thread. Also lists the pages a built site holds.

    python -m scripts.site_server [PORT]    serve site/ until Ctrl-C (port 8000 by default)
"""

import functools
import gzip
import http.server
import io
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit


COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".ipynb", ".py", ".xml", ".md"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Answers with gzip where the browser accepts it, for the text files of COMPRESSED."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"
        if not (path.is_file() and path.suffix in COMPRESSED and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()  # binaries, missing files, folders named without their slash
        body = _gzipped(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _QuietHandler(_Handler):
    def log_message(self, *args):
        pass


@functools.lru_cache(maxsize=512)
def _gzipped_cached(path: Path, modified: int) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


def _gzipped(path: Path) -> bytes:
    return _gzipped_cached(path, path.stat().st_mtime_ns)


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


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    root = Path(__file__).resolve().parents[1] / "site"
    handler = functools.partial(_Handler, directory=str(root))
    with _Server(("127.0.0.1", port), handler) as server:
        print(f"Serving site/ on http://127.0.0.1:{port}/ (Chinese) and http://127.0.0.1:{port}/en/ (English); Ctrl-C stops.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
