"""``python -m graph_emulator --port 8765 [--host 127.0.0.1] [--seed 1] [--video-processing-seconds 30]``."""

from __future__ import annotations

import argparse
import signal
import threading

from graph_emulator import DEMO_IG_USER_ID, DEMO_TOKEN, DEMO_USERNAME
from graph_emulator.server import start_emulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="graph_emulator", description="Instagram Graph API emulator")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--video-processing-seconds", type=float, default=None,
        help="how long a video container stays IN_PROGRESS before FINISHED (default 30)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    handle = start_emulator(port=args.port, seed=args.seed, host=args.host)
    if args.video_processing_seconds is not None:
        handle.configure(video_processing_seconds=args.video_processing_seconds)
    print(f"Graph API emulator on {handle.base_url}", flush=True)
    print(f"  account @{DEMO_USERNAME} ({DEMO_IG_USER_ID}), token {DEMO_TOKEN}", flush=True)
    print(f"  control API: {handle.base_url}/_emulator/", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    handle.stop()


if __name__ == "__main__":
    main()
