#!/usr/bin/env python3
"""The shared mock model (../shared/parity/mockmodel.py) with Nagle's algorithm off.

Production HTTP servers answer with TCP_NODELAY; Python's http.server does not, so each
SSE event after the first waits for the client's delayed ACK (about 40 ms on Linux) on a
kept-alive connection. That stall hits every follow-up request of both binaries and would
dominate the per-round figures, so the benchmark serves the same scripts without it.
Usage: bench_mock.py SCRIPT.json (prints the base URL, like mockmodel.py).
"""
import http.server
import os
import pathlib
import runpy
import sys

MOCKMODEL = pathlib.Path(
    os.environ.get("RECODEX_MOCKMODEL")
    or pathlib.Path(__file__).resolve().parent.parent.parent / "shared" / "parity" / "mockmodel.py"
)

http.server.BaseHTTPRequestHandler.disable_nagle_algorithm = True
sys.argv = [str(MOCKMODEL), *sys.argv[1:]]
sys.path.insert(0, str(MOCKMODEL.parent))
runpy.run_path(str(MOCKMODEL), run_name="__main__")
