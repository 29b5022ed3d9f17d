"""Checks an uploaded video and saves it inside the app's upload folder, or says why not.

The browser's file name is never used as a path: only a cleaned stem (letters, digits, ``-_.``)
is kept for display, and the file is written as ``<random folder>/video<ext>`` under
``<data dir>/app/uploads``; the resolved path is checked to lie inside that folder. The content
must start like a video container (MP4/MOV, Matroska/WebM, AVI) and the decoder must read a frame.
"""
from __future__ import annotations

import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path, PurePath

from coach.store.paths import write_private

VIDEO_EXTENSIONS = (".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi")
KEEP_UPLOADS_S = 24 * 3600  # scratch uploads older than this are removed on the next upload


class UploadRejected(ValueError):
    """A message for the page: what is wrong with the file, in plain words."""


@dataclass(frozen=True)
class SavedUpload:
    path: Path  # the saved video
    folder: Path  # its own folder (analysis outputs go here too)
    display_name: str  # cleaned name, safe to show


def display_name(raw_name: str) -> str:
    """The last path component of a browser-supplied name, with only safe characters."""
    last = PurePath(raw_name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", last).strip("._") or "video"
    return cleaned[:80]


def sniff_container(head: bytes) -> str | None:
    """The container a file starts like, or None: "mp4" (ISO BMFF/QuickTime), "mkv", "avi"."""
    if len(head) >= 12 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "mkv"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    return None


def check(name: str, size: int, head: bytes, max_bytes: int) -> str:
    """Validate before writing anything; return the extension to save with."""
    ext = PurePath(display_name(name)).suffix.lower()
    if size <= 0:
        raise UploadRejected("The file is empty. Please choose a video file.")
    if size > max_bytes:
        raise UploadRejected(f"The file is too large ({size / 2**20:.0f} MB). The limit is "
                             f"{max_bytes / 2**20:.0f} MB: please trim the video or record a shorter one.")
    if ext not in VIDEO_EXTENSIONS:
        raise UploadRejected(f"This does not look like a video ({ext or 'no extension'}). "
                             f"Please choose an {', '.join(e.lstrip('.') for e in VIDEO_EXTENSIONS)} file.")
    if sniff_container(head) is None:
        raise UploadRejected("This file is not a video the coach can read (its content is not MP4, MOV, "
                             "WebM, MKV or AVI).")
    return ".mp4" if ext == ".m4v" else ext


def save(uploaded, upload_root: Path, max_bytes: int) -> SavedUpload:
    """Check and save a Streamlit ``UploadedFile`` (anything with name, size, getvalue())."""
    data = uploaded.getvalue()
    ext = check(uploaded.name, len(data), data[:16], max_bytes)
    root = upload_root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    _clean_old(root)
    folder = (root / secrets.token_hex(8)).resolve()
    target = (folder / f"video{ext}").resolve()
    if root not in target.parents:  # cannot happen with the names above; kept as the last guard
        raise UploadRejected("The file could not be saved.")
    folder.mkdir()
    write_private(target, data)  # 0600 whatever the umask
    try:
        _check_decodes(target)
    except UploadRejected:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return SavedUpload(target, folder, display_name(uploaded.name))


def release(uploaded) -> None:
    """Let Streamlit drop its in-memory copy of an upload once it is saved (or refused): the bytes
    stay in the server's memory otherwise until the browser session ends."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        file_id = getattr(uploaded, "file_id", None)
        if ctx is not None and file_id:
            ctx.uploaded_file_mgr.remove_file(ctx.session_id, file_id)
    except Exception:  # noqa: BLE001 - nothing to release outside a Streamlit session
        pass


def _check_decodes(path: Path) -> None:
    from coach.sources import SourceError, VideoFileSource

    try:
        source = VideoFileSource(path)
    except SourceError as exc:  # its message names the server path: not shown
        raise UploadRejected("The video could not be read: it may be damaged, incomplete or in an "
                             "unusual format. Please try another recording.") from exc
    source.close()


def _clean_old(root: Path) -> None:
    cutoff = time.time() - KEEP_UPLOADS_S
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
