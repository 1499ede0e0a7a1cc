"""Where the bundled knowledge lives inside the installed package (plain paths: no importlib.resources at start-up)."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
DATA = PACKAGE / "data"
SCHEMAS = PACKAGE / "schemas"
