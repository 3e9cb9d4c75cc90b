"""CI: serve `exsim app` from the environment this Python runs in and check that it
answers, so that every dependency range CI installs gives a working app.

Usage: python .ci/app_smoke.py   (exit status 0 when the app answered with its page)
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

START_SECONDS = 180


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    """Serve the app, wait for its page, stop it; 0 if it answered."""
    import mesa
    import solara

    import exsim.app.page  # noqa: F401 - the page module itself must import

    port = free_port()
    env = {**os.environ, "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/"}
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "exsim", "app", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            deadline = time.monotonic() + START_SECONDS
            while time.monotonic() < deadline and server.poll() is None:
                url = f"http://127.0.0.1:{port}/"
                with (
                    contextlib.suppress(OSError),
                    urllib.request.urlopen(url, timeout=10) as page,
                ):
                    body = page.read().decode("utf-8", "replace")
                    if page.status == 200 and "solara" in body.lower():
                        print(
                            f"app smoke test: exsim app answered on port {port} "
                            f"(solara {solara.__version__}, mesa {mesa.__version__})"
                        )
                        return 0
                time.sleep(1)
            log.seek(0)
            print(f"app smoke test FAILED: no page within {START_SECONDS} s", file=sys.stderr)
            print(log.read()[-3000:], file=sys.stderr)
            return 1
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


if __name__ == "__main__":
    sys.exit(main())
