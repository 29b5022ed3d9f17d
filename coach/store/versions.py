"""The software version stamped on every session, so an old report stays explainable."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def app_version() -> str:
    try:
        return version("rehab-coach")
    except PackageNotFoundError:
        return "0+unknown"
