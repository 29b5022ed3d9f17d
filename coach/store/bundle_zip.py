"""Reading a share bundle's members with limits: what a zip bomb or a forged member cannot pass.

``BundleZip`` checks the whole listing first (known member names only, no more than
``MAX_MEMBERS``, each member's declared size under the cap for its kind, all of them together
under ``MAX_TOTAL_BYTES``), then reads every member streamed, counting the bytes that really come
out against the same cap: a member is never read whole into memory beyond its cap, whatever its
header says. JSON is parsed strictly (no Infinity, no number too large for a float; NaN only where
``bundle_schema`` allows a missing measurement).
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import re
import zipfile
from pathlib import Path

import numpy as np

from coach.pose.frame import PoseSeries
from coach.pose.landmarks import NUM_LANDMARKS

MiB = 1024 ** 2
MAX_JSON_BYTES = 16 * MiB  # a session's JSON (hundreds of reps) is well under 1 MiB
MAX_TRACK_BYTES = 64 * MiB  # one landmark chunk or a clip's track, compressed
MAX_TRACK_INFLATED = 256 * MiB  # ... and its arrays once inflated (an .npz is itself a zip)
MAX_CLIP_VIDEO_BYTES = 100 * MiB  # a 30-s clip
MAX_SESSION_VIDEO_BYTES = 4 * 1024 * MiB
MAX_TOTAL_BYTES = 16 * 1024 * MiB
MAX_MEMBERS = 20_000
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
MEMBERS = [  # (name pattern, cap on its size)
    (re.compile(r"(manifest|patient|programmes|diary)\.json"), MAX_JSON_BYTES),
    (re.compile(rf"sessions/{_UUID}\.json"), MAX_JSON_BYTES),
    (re.compile(rf"poses/{_UUID}/\d{{1,6}}-\d{{1,6}}\.npz"), MAX_TRACK_BYTES),
    (re.compile(rf"videos/{_UUID}\.(mp4|webm)"), MAX_SESSION_VIDEO_BYTES),
    (re.compile(rf"clips/{_UUID}\.json"), MAX_JSON_BYTES),
    (re.compile(rf"clips/{_UUID}\.npz"), MAX_TRACK_BYTES),
    (re.compile(rf"clips/{_UUID}\.(mp4|webm)"), MAX_CLIP_VIDEO_BYTES),
]
_TRACK_ARRAYS = {"timestamps_s.npy", "image.npy", "world.npy", "size.npy"}


def _mb(n: int) -> str:
    return f"{n / MiB:,.1f} MB"


class BundleZip:
    """An open bundle whose listing has been checked; members read with their caps."""

    def __init__(self, z: zipfile.ZipFile, path: Path):
        self.z, self.path = z, path
        infos = z.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ValueError(f"{path} has {len(infos):,} members; a share bundle has at most {MAX_MEMBERS:,}")
        self.caps: dict[str, int] = {}
        total = 0
        for info in infos:
            name = info.filename
            cap = next((c for pattern, c in MEMBERS if pattern.fullmatch(name)), None)
            if cap is None:
                raise ValueError(f"{path}: unexpected member {name[:120]!r} (not part of a share bundle)")
            if name in self.caps:
                raise ValueError(f"{path}: member {name!r} appears twice")
            if info.file_size > cap:
                raise ValueError(f"{path}: {name} is too large ({_mb(info.file_size)}; at most {_mb(cap)})")
            self.caps[name] = cap
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ValueError(f"{path} is too large once unpacked ({_mb(total)}; at most {_mb(MAX_TOTAL_BYTES)})")

    def names(self) -> list[str]:
        return list(self.caps)

    def __contains__(self, name: str) -> bool:
        return name in self.caps

    def chunks(self, name: str, size: int = 1 << 20):
        """The member's bytes in pieces, stopping with an error past its cap (whatever its header said)."""
        if name not in self.caps:
            raise ValueError(f"{self.path} is not a complete share bundle (no {name})")
        cap, seen = self.caps[name], 0
        with self.z.open(name) as src:
            while piece := src.read(size):
                seen += len(piece)
                if seen > cap:
                    raise ValueError(f"{self.path}: {name} is too large (more than {_mb(cap)})")
                yield piece

    def read(self, name: str) -> bytes:
        return b"".join(self.chunks(name))

    def head(self, name: str, n: int = 64) -> bytes:
        with self.z.open(name) as src:
            return src.read(n)

    def sha256(self, name: str) -> str:
        h = hashlib.sha256()
        for piece in self.chunks(name):
            h.update(piece)
        return h.hexdigest()

    def copy_to(self, name: str, out) -> int:
        n = 0
        for piece in self.chunks(name):
            out.write(piece)
            n += len(piece)
        return n

    def json(self, name: str):
        data = self.read(name)
        try:
            return json.loads(data, parse_constant=_no_constant, parse_float=_finite_float)
        except (ValueError, RecursionError) as e:
            raise ValueError(f"{self.path}: {name} is unreadable ({str(e)[:200]})") from None


def _no_constant(name: str):
    if name == "NaN":  # Python's json writes a missing measurement so; bundle_schema.check says where it may be
        return math.nan
    raise ValueError(f"{name} is not a number a share bundle may hold")


def _finite_float(text: str) -> float:
    v = float(text)
    if not math.isfinite(v):
        raise ValueError(f"{text[:40]} is too large a number")
    return v


def decode_track(blob: bytes, where: str) -> PoseSeries:
    """A landmark archive (``coach.store.poses`` format) checked before it is inflated: its arrays
    and nothing else, their inflated size capped, the shapes a track has, finite timestamps."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as inner:
            infos = inner.infolist()
        if {i.filename for i in infos} != _TRACK_ARRAYS or sum(i.file_size for i in infos) > MAX_TRACK_INFLATED:
            raise ValueError("not a landmark track (unexpected arrays, or too large once unpacked)")
        with np.load(io.BytesIO(blob), allow_pickle=False) as z:
            ts, image, world, size = z["timestamps_s"], z["image"], z["world"], z["size"]
    except (zipfile.BadZipFile, OSError, KeyError) as e:
        raise ValueError(f"{where}: not a landmark track ({e})") from None
    except ValueError as e:
        raise ValueError(f"{where}: {e}") from None
    n = len(ts) if ts.ndim == 1 else -1
    if n < 0 or image.shape != (n, NUM_LANDMARKS, 4) or world.shape != (n, NUM_LANDMARKS, 3) or size.shape != (2,):
        raise ValueError(f"{where}: not a landmark track (arrays of the wrong shape)")
    if not np.isfinite(ts).all():
        raise ValueError(f"{where}: its landmark timestamps are not all finite times")
    return PoseSeries(ts.astype(float), image.astype(float), world.astype(float), tuple(int(v) for v in size))
