"""In-memory stand-in for the subset of Meta's Instagram Graph API this project uses.

Start it with ``python -m graph_emulator --port 8765`` or, in tests, with
:func:`graph_emulator.server.start_emulator`. See README.md for the endpoints.
"""

DEMO_IG_USER_ID = "17841400000000001"
DEMO_USERNAME = "cmsatdesy"
DEMO_TOKEN = "EMULATOR-DEMO-TOKEN"  # noqa: S105 - a documented development token
DEMO_APP_ID = "1000000000000001"
DEMO_APP_SECRET = "emulator-app-secret"  # noqa: S105 - the emulator's documented app
API_VERSION = "v25.0"

__all__ = [
    "API_VERSION",
    "DEMO_APP_ID",
    "DEMO_APP_SECRET",
    "DEMO_IG_USER_ID",
    "DEMO_TOKEN",
    "DEMO_USERNAME",
]
