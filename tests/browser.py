"""Open pages in headless Chromium as a person would, and see what the browser saw.

The browser is driven over the Chrome DevTools Protocol (CDP): Chromium starts with `--remote-debugging-port=0`,
writes the port it chose to `DevToolsActivePort` in its (fresh) profile folder, and we talk to it over a
WebSocket (the `websockets` package, already in the environment as a dependency of Dagster's web server). Each
page gets its own target and session with the Page, Runtime, Log and Network domains enabled before it is
navigated, so we see:

- every console message of level error (`Runtime.consoleAPICalled`) and every uncaught exception
  (`Runtime.exceptionThrown`);
- every browser log entry of level error (`Log.entryAdded`): failed loads, Content-Security-Policy violations,
  deprecations that are errors;
- every request the page makes (`Network.requestWillBeSent`), failed loads (`Network.loadingFailed`) and HTTP
  statuses (`Network.responseReceived`);
- what the page shows: the SVG charts it rendered and their sizes (`Runtime.evaluate`), and a full-page PNG
  screenshot (`Page.captureScreenshot`).

Limits: the Network domain reports the page's own requests, not the browser's background traffic (updates,
safe browsing, ...), which the start-up flags switch off instead; a page is judged once its load event has
fired and a short quiet spell has passed (these pages have no script, so nothing happens later).
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

try:  # a dependency of Dagster's web server (uvicorn[standard]), not of this project directly
    from websockets.sync.client import connect
except ImportError:  # pragma: no cover - the browser test skips, saying why
    connect = None

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "about", "blob", "file", "chrome", "devtools"}
WINDOW = (1280, 900)
START_TIMEOUT = 30.0
PAGE_TIMEOUT = 30.0


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable on PATH, if any."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageVisit:
    """What the browser saw when it opened one page."""

    url: str
    title: str = ""
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    svgs: list[dict] = field(default_factory=list)  # id, width, height, title of every rendered <svg>
    screenshot: bytes = b""

    @property
    def non_local_requests(self) -> list[str]:
        return [url for url in self.requests if not is_local(url)]

    @property
    def errors(self) -> list[str]:
        return self.console_errors + self.exceptions + self.log_errors + self.failed + [
            f"HTTP {status}: {url}" for url, status in self.statuses.items() if status >= 400]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.scheme in ("http", "https") and parts.hostname in LOCAL_HOSTS)


class Browser:
    """A headless Chromium with a fresh profile, driven over CDP. Use as a context manager."""

    def __init__(self, executable: str, profile: Path) -> None:
        self.executable = executable
        self.profile = profile
        self.process: subprocess.Popen | None = None
        self.socket = None
        self.resources = ExitStack()
        self.next_id = 0
        self.events: list[dict] = []

    def __enter__(self) -> Browser:
        self.profile.mkdir(parents=True, exist_ok=True)
        width, height = WINDOW
        self.log = self.resources.enter_context(open(self.profile.parent / "chromium.log", "wb"))
        self.process = subprocess.Popen(
            [self.executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
             "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
             f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             f"--window-size={width},{height}", "about:blank"],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + START_TIMEOUT
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"Chromium did not start: see {self.profile.parent / 'chromium.log'}")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.socket = self.resources.enter_context(
            connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=START_TIMEOUT))
        return self

    def __exit__(self, *exc) -> None:
        if self.socket is not None:
            try:
                self.send("Browser.close")
            except Exception:  # noqa: BLE001 - closing anyway
                pass
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.resources.close()

    # The protocol -------------------------------------------------------------------------------------------

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        return self.next_id

    def receive(self, timeout: float) -> dict | None:
        try:
            return json.loads(self.socket.recv(timeout=timeout))
        except TimeoutError:
            return None

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = PAGE_TIMEOUT) -> dict:
        """Send a command and wait for its answer, keeping every event that arrives meanwhile."""
        wanted = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.receive(max(deadline - time.monotonic(), 0.01))
            if message is None:
                continue
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)
        raise TimeoutError(f"{method} got no answer in {timeout} s")

    def wait_for(self, method: str, session: str, timeout: float = PAGE_TIMEOUT) -> None:
        """Wait for an event of `session` (one that already arrived counts)."""
        deadline = time.monotonic() + timeout
        while not any(e["method"] == method and e.get("sessionId") == session for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} in {timeout} s")
            message = self.receive(0.2)
            if message and "method" in message:
                self.events.append(message)

    def drain(self, quiet: float) -> None:
        """Collect events until none has arrived for `quiet` seconds."""
        while (message := self.receive(quiet)) is not None:
            if "method" in message:
                self.events.append(message)

    # Pages --------------------------------------------------------------------------------------------------

    def visit(self, url: str) -> PageVisit:
        """Open `url` in a new tab, wait for it to load, record what happened, screenshot it, close the tab."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.events = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=session)
        width, height = WINDOW
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
        navigation = self.call("Page.navigate", {"url": url}, session)
        visit = PageVisit(url)
        if navigation.get("errorText"):
            visit.failed.append(f"navigation: {navigation['errorText']}")
        self.wait_for("Page.loadEventFired", session)
        self.drain(0.3)
        found = self.call("Runtime.evaluate", {"expression": SVG_PROBE, "returnByValue": True}, session)
        probe = found["result"]["value"]
        visit.title, visit.svgs = probe["title"], probe["svgs"]
        content = self.call("Page.getLayoutMetrics", session=session)["cssContentSize"]
        shot = self.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": max(content["height"], height), "scale": 1}},
            session)
        visit.screenshot = base64.b64decode(shot["data"])
        self.drain(0.1)
        record_events(visit, [e for e in self.events if e.get("sessionId") == session])
        self.call("Target.closeTarget", {"targetId": target})
        return visit


SVG_PROBE = """({
  title: document.title,
  svgs: Array.from(document.querySelectorAll('svg')).map(svg => {
    const box = svg.getBoundingClientRect();
    const title = svg.querySelector(':scope > title');
    return {id: svg.id, width: box.width, height: box.height, title: title ? title.textContent : '',
            marks: svg.querySelectorAll('circle, rect, polygon, polyline, line').length};
  })
})"""


def record_events(visit: PageVisit, events: list[dict]) -> None:
    """Sort a page's CDP events into console errors, exceptions, log errors, requests and failures."""
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            visit.console_errors.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            visit.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            visit.log_errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            visit.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            visit.failed.append(f"{params.get('errorText')} ({params.get('type')})")
        elif method == "Network.responseReceived":
            visit.statuses[params["response"]["url"]] = params["response"]["status"]


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on a free localhost port in a thread; yield its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # noqa: D102 - keep the test output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
