#!/usr/bin/env python
"""Rebuild the pose model bundles ``pose_landmarker_{lite,full,heavy}.task`` from registry packages.

MediaPipe's Tasks API wants ``.task`` bundles that are normally fetched from Google's model
storage, which may be unreachable; the same networks ship inside registry packages, so we
rebuild the bundles from those, byte for byte (checked against ``SHA256SUMS`` next to this file):

* ``pose_detector.tflite``: from the PyPI wheel ``mediapipe==0.10.21`` (via ``pip download``);
* ``pose_landmarks_detector.tflite``: from the npm package ``@mediapipe/pose`` (via ``npm pack``);

plus the TFLite metadata the Tasks API needs (image input normalisation), added with mediapipe's
own ``MetadataWriter``, and a deterministic stored zip.

Usage::

    python models/build_models.py                 # lite and full, if missing or damaged
    python models/build_models.py --model heavy   # heavy on demand (~30 MB)
    python models/build_models.py --check         # only verify existing files, no network
    python models/build_models.py --model all --out /tmp/models --force

Stdlib + mediapipe only (mediapipe only for building, not for ``--check``). Downloads are cached
in a temp folder; nothing is written outside ``--out`` except temp folders.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import types
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUMS_FILE = HERE / "SHA256SUMS"
MODEL_NAMES = ("lite", "full", "heavy")
DEFAULT_MODELS = ("lite", "full")
CACHE_DIR = Path(tempfile.gettempdir()) / "coach-pose-model-sources"
SUBPROCESS_TIMEOUT_S = 600

PIP_REQUIREMENT = "mediapipe==0.10.21"
# Any platform works (the .tflite inside is the same); this tag is one that exists for 0.10.21.
PIP_PLATFORM = "manylinux_2_28_x86_64"
PIP_PYTHON = "3.11"
WHEEL_GLOB = "mediapipe-0.10.21-*.whl"
NPM_SPEC = "@mediapipe/pose@0.5.1675469404"
NPM_TGZ = "mediapipe-pose-0.5.1675469404.tgz"

# Member inside the source archive, and the sha256 of the raw network (before metadata).
DETECTOR_SOURCE = (
    "mediapipe/modules/pose_detection/pose_detection.tflite",
    "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
)
LANDMARK_SOURCES = {
    "lite": ("package/pose_landmark_lite.tflite",
             "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"),
    "full": ("package/pose_landmark_full.tflite",
             "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"),
    "heavy": ("package/pose_landmark_heavy.tflite",
              "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"),
}

DETECTOR_MEMBER = "pose_detector.tflite"
LANDMARKS_MEMBER = "pose_landmarks_detector.tflite"
MODEL_DESCRIPTION = "BlazePose GHUM 3D"
# Input normalisation the Tasks API applies: detector expects -1..1, landmarker 0..1.
DETECTOR_NORM = (127.5, 127.5)
LANDMARKS_NORM = (0.0, 255.0)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o600  # what zipfile.writestr gives a plain name; fixed so the bytes never vary


class BuildError(RuntimeError):
    """A step failed; the message is the one line shown to the user."""


def log(msg: str) -> None:
    print(msg, flush=True)


def bundle_name(model: str) -> str:
    return f"pose_landmarker_{model}.task"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _model_files():
    """coach/pose/model_files.py, loaded by path: the coach's own checksum reader and file hash,
    without importing the coach package (this script runs before its dependencies may be there)."""
    source = HERE.parent / "coach" / "pose" / "model_files.py"
    spec = importlib.util.spec_from_file_location("_coach_model_files", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_MODEL_FILES = _model_files()
sha256_file = _MODEL_FILES.sha256_of


def read_sums(path: Path = SUMS_FILE) -> dict[str, str]:
    """File name -> sha256 from a ``sha256sum``-style file."""
    if not path.exists():
        raise BuildError(f"{path} is missing: it is part of the repository, restore it from git")
    return _MODEL_FILES.parse_sums(path.read_text())


# ---------------------------------------------------------------- deterministic zip

def deterministic_zip(members: list[tuple[str, bytes]]) -> bytes:
    """Stored (uncompressed) zip with fixed timestamps and modes: same input, same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = ZIP_MODE << 16
            zf.writestr(info, data)
    return buf.getvalue()


# ---------------------------------------------------------------- fetching sources

def _run(cmd: list[str], cwd: Path, what: str) -> None:
    """Run a registry client; turn any failure into a one-line BuildError."""
    env = dict(os.environ)
    # Keep the clients' own caches in our temp folder rather than in $HOME.
    env["PIP_CACHE_DIR"] = str(CACHE_DIR / "pip-cache")
    env["npm_config_cache"] = str(CACHE_DIR / "npm-cache")
    env["npm_config_update_notifier"] = "false"
    try:
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=SUBPROCESS_TIMEOUT_S)
    except FileNotFoundError:
        raise BuildError(f"{what}: '{cmd[0]}' is not installed") from None
    except subprocess.TimeoutExpired:
        raise BuildError(f"{what}: timed out after {SUBPROCESS_TIMEOUT_S} s "
                         "(registry unreachable?)") from None
    if proc.returncode != 0:
        detail = _error_summary(proc.stderr + "\n" + proc.stdout) or f"exit code {proc.returncode}"
        raise BuildError(f"{what} failed (registry unreachable?): {detail}")


def _error_summary(output: str) -> str:
    """The first informative error line of pip/npm output (they print many)."""
    lines = [ln.strip().removeprefix("npm error").strip() for ln in output.splitlines()]
    lines = [ln for ln in lines if ln]
    for line in lines:
        if "error" in line.lower() and len(line.split()) > 3:
            return line
    return lines[-1] if lines else ""


def _fetch_into_cache(name_glob: str, what: str, download) -> Path:
    """Return the cached archive, downloading it with ``download(tmpdir)`` if absent.

    Downloads land in a private temp folder and are moved into the cache only when complete,
    so an interrupted or concurrent run never leaves a half-written archive behind.
    """
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cached = sorted(CACHE_DIR.glob(name_glob))
    if cached:
        log(f"  using cached {cached[0].name}")
        return cached[0]
    log(f"  downloading {what} ...")
    with tempfile.TemporaryDirectory(dir=CACHE_DIR) as tmp:
        download(Path(tmp))
        found = sorted(Path(tmp).glob(name_glob))
        if not found:
            raise BuildError(f"{what}: download finished but no {name_glob} was produced")
        target = CACHE_DIR / found[0].name
        os.replace(found[0], target)
    return target


def fetch_wheel() -> Path:
    def download(dest: Path) -> None:
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
              "--python-version", PIP_PYTHON, "--platform", PIP_PLATFORM,
              "--disable-pip-version-check", "-q", "-d", str(dest), PIP_REQUIREMENT],
             dest, f"pip download {PIP_REQUIREMENT}")
    return _fetch_into_cache(WHEEL_GLOB, f"PyPI {PIP_REQUIREMENT}", download)


def fetch_npm_package() -> Path:
    def download(dest: Path) -> None:
        npm = shutil.which("npm")
        if npm is None:
            raise BuildError(f"npm pack {NPM_SPEC}: 'npm' is not installed (install Node.js)")
        _run([npm, "pack", NPM_SPEC, "--loglevel=error", "--ignore-scripts"], dest, f"npm pack {NPM_SPEC}")
    return _fetch_into_cache(NPM_TGZ, f"npm {NPM_SPEC}", download)


def _verified(data: bytes, want: str, label: str, archive: Path) -> bytes:
    if sha256_bytes(data) != want:
        archive.unlink(missing_ok=True)  # a bad cached archive must not poison the next run
        raise BuildError(f"{label} in {archive.name} has an unexpected sha256; "
                         "the cached download was removed, run again")
    return data


def read_detector(wheel: Path) -> bytes:
    member, want = DETECTOR_SOURCE
    try:
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(member)
    except (zipfile.BadZipFile, KeyError) as exc:
        wheel.unlink(missing_ok=True)
        raise BuildError(f"cannot read {member} from {wheel.name}: {exc}") from None
    return _verified(data, want, member, wheel)


def read_landmarks(tgz: Path, model: str) -> bytes:
    member, want = LANDMARK_SOURCES[model]
    try:
        with tarfile.open(tgz, "r:gz") as tf:
            f = tf.extractfile(member)
            data = f.read() if f else b""
    except (tarfile.TarError, KeyError, OSError) as exc:
        tgz.unlink(missing_ok=True)
        raise BuildError(f"cannot read {member} from {tgz.name}: {exc}") from None
    return _verified(data, want, member, tgz)


# ---------------------------------------------------------------- metadata

def _install_metadata_version_stub() -> None:
    """Provide mediapipe's missing native ``_pywrap_metadata_version`` if the wheel lacks it.

    mediapipe 1.2.x's metadata module imports it only to compute the minimum metadata parser
    version; "1.0.0" is correct for the plain image/feature metadata written here (and the final
    sha256 check would catch any difference). Done here, never at import of the coach package.
    """
    parent = "mediapipe.tasks.cc.metadata.python"
    name = parent + "._pywrap_metadata_version"
    if name in sys.modules or importlib.util.find_spec("mediapipe.tasks.cc") is not None:
        return
    stub = types.ModuleType(name)
    stub.GetMinimumMetadataParserVersion = lambda _metadata_buf: "1.0.0"
    package = sys.modules.get(parent) or types.ModuleType(parent)
    package._pywrap_metadata_version = stub
    sys.modules.setdefault(parent, package)
    sys.modules[name] = stub


@functools.lru_cache(maxsize=None)
def load_metadata_writer():
    """Import mediapipe's metadata writer modules (once)."""
    _install_metadata_version_stub()
    try:
        from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer, writer_utils
    except ImportError as exc:
        raise BuildError(f"mediapipe's metadata writer is unavailable ({exc}); "
                         "run inside the project venv") from None
    return metadata_writer, writer_utils


def add_metadata(model: bytes, name: str, norm: tuple[float, float]) -> bytes:
    """Return ``model`` with Tasks-API metadata: normalised RGB image in, plain features out."""
    metadata_writer, writer_utils = load_metadata_writer()
    buf = bytearray(model)
    mean, std = norm
    writer = metadata_writer.MetadataWriter.create(buf)
    writer.add_general_info(name, MODEL_DESCRIPTION)
    writer.add_image_input(norm_mean=[mean], norm_std=[std])
    # Named output_<i> explicitly: the model's own tensor names (Identity, ...) are meaningless.
    for i in range(len(writer_utils.get_output_tensor_types(buf))):
        writer.add_feature_output(name=f"output_{i}")
    content, _json = writer.populate()
    # mediapipe's import keeps a caught error (audio_record.sd_error: sounddevice without
    # PortAudio) whose traceback pins the importing frames, possibly this one; drop the writer
    # now, or its __del__ runs at interpreter exit and prints a harmless traceback.
    del writer
    return bytes(content)


def build_bundle(model: str, wheel: Path, tgz: Path) -> bytes:
    detector = add_metadata(read_detector(wheel), "pose_detector", DETECTOR_NORM)
    landmarks = add_metadata(read_landmarks(tgz, model), "pose_landmarks_detector", LANDMARKS_NORM)
    return deterministic_zip([(DETECTOR_MEMBER, detector), (LANDMARKS_MEMBER, landmarks)])


# ---------------------------------------------------------------- writing / checking

def write_verified(path: Path, data: bytes, want: str) -> None:
    """Write ``data`` atomically, and only if its sha256 is the expected one."""
    got = sha256_bytes(data)
    if got != want:
        raise BuildError(f"{path.name}: built sha256 {got[:12]}... != expected {want[:12]}...; "
                         "nothing written")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a model file is ordinary data
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_status(path: Path, want: str) -> str:
    """'ok', 'missing' or 'corrupt'."""
    if not path.exists():
        return "missing"
    return "ok" if sha256_file(path) == want else "corrupt"


def check(models: list[str], out: Path, sums: dict[str, str], optional: tuple[str, ...]) -> int:
    failures = 0
    for model in models:
        path = out / bundle_name(model)
        status = file_status(path, sums[path.name])
        if status == "missing" and model in optional:
            log(f"[{model}] not built (optional: python models/build_models.py --model {model})")
            continue
        log(f"[{model}] {status}: {path}")
        failures += status != "ok"
    return 1 if failures else 0


def build(models: list[str], out: Path, sums: dict[str, str], force: bool) -> int:
    todo = []
    for model in models:
        path = out / bundle_name(model)
        status = file_status(path, sums[path.name])
        if status == "ok" and not force:
            log(f"[{model}] already present and verified: {path}")
        else:
            todo.append(model)
            if status == "corrupt":
                log(f"[{model}] existing file is corrupt; rebuilding")
    if not todo:
        return 0
    load_metadata_writer()  # fail before downloading if mediapipe is unusable
    log("fetching sources (cache: %s)" % CACHE_DIR)
    wheel, tgz = fetch_wheel(), fetch_npm_package()
    for model in todo:
        start = time.perf_counter()
        path = out / bundle_name(model)
        log(f"[{model}] adding metadata and zipping ...")
        write_verified(path, build_bundle(model, wheel, tgz), sums[path.name])
        log(f"[{model}] ok: {path} (sha256 verified, {time.perf_counter() - start:.1f} s)")
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Rebuild the pose model bundles from registry packages.")
    p.add_argument("--model", choices=(*MODEL_NAMES, "all"),
                   help="which bundle (default: lite and full; heavy only on demand)")
    p.add_argument("--out", type=Path, default=HERE, help="output folder (default: %(default)s)")
    p.add_argument("--check", action="store_true", help="only verify existing files (no network)")
    p.add_argument("--force", action="store_true", help="rebuild even if the file is already fine")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.model == "all":
        models = list(MODEL_NAMES)
    elif args.model:
        models = [args.model]
    else:
        models = list(DEFAULT_MODELS) + (["heavy"] if args.check else [])
    out = args.out.resolve()
    try:
        sums = read_sums()
        if args.check:
            # heavy is optional unless asked for by name
            return check(models, out, sums, optional=() if args.model else ("heavy",))
        return build(models, out, sums, args.force)
    except BuildError as exc:
        print(f"build_models: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build_models: interrupted; no partial bundle was left behind", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
