"""The render cache: a poster whose inputs have not changed is copied, not
rendered. The key hashes everything that can change the sheet: the job's
data, the cover's bytes, the templates, the settings, the font files, the
Typst version and this package's own code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from pathlib import Path

import typst

from generator import model, qr, timeutil

from .fonts import FontSet, file_hash, load_fonts
from .jobs import PosterFit, PosterJob, PosterSettings

KEEP_DAYS = 30  # entries unused for this long are removed


def _tree_hash(folder: Path, pattern: str) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.glob(pattern)):
        if p.is_file():
            h.update(p.name.encode() + b"\0" + file_hash(p).encode())
    return h.hexdigest()


def environment_hash(settings: PosterSettings, fonts: FontSet) -> str:
    """What all posters of a batch share: settings, templates, fonts, Typst,
    and the code that turns a job into template data."""
    h = hashlib.sha256()
    h.update(json.dumps([settings.community, settings.committee], ensure_ascii=False).encode())
    h.update(_tree_hash(settings.templates_dir, "*.typ").encode())
    h.update(fonts.digest().encode())
    h.update(typst.__version__.encode() if hasattr(typst, "__version__") else b"typst")
    h.update(_tree_hash(Path(__file__).parent, "*.py").encode())
    for shared in (timeutil, qr, model):  # the date formatter, the QR maker and the type labels posters use
        h.update(file_hash(Path(shared.__file__)).encode())
    return h.hexdigest()


def job_hash(job: PosterJob, env: str) -> str:
    fields = dataclasses.asdict(job)
    fields["cover"] = file_hash(job.cover) if job.cover and job.cover.is_file() else str(job.cover)
    blob = json.dumps(fields, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((env + "\0" + blob).encode()).hexdigest()


def poster_inputs_hash(job: PosterJob, settings: PosterSettings) -> str:
    """The cache key of one poster under these settings."""
    fonts = load_fonts(settings.font_regular, settings.font_bold)
    return job_hash(job, environment_hash(settings, fonts))


class RenderCache:
    """Rendered PDFs and their fit, one pair of files per input hash."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _paths(self, key: str) -> tuple[Path, Path]:
        d = self.folder / key[:2]
        return d / f"{key}.pdf", d / f"{key}.json"

    def get(self, key: str) -> tuple[Path, PosterFit] | None:
        pdf, meta = self._paths(key)
        try:
            fit = PosterFit(**json.loads(meta.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None
        if not pdf.is_file():
            return None
        now = time.time()
        os.utime(pdf, (now, now))  # mark as used, for pruning
        return pdf, fit

    def put(self, key: str, pdf: bytes, fit: PosterFit) -> Path:
        path, meta = self._paths(key)
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, pdf)
        atomic_write(meta, json.dumps(dataclasses.asdict(fit)).encode())
        return path

    def prune(self, keep_days: int = KEEP_DAYS) -> None:
        """Drop entries not used for `keep_days` (old versions of articles)."""
        prune_entries(self.folder, ".pdf", keep_days)


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file, so an interrupted build never leaves half
    a PDF that a later build would take for a finished one."""
    # a short name: the slug alone may come close to the file system's 255-byte limit
    tmp = path.with_name(f".tmp-{os.getpid()}-{hashlib.sha256(path.name.encode()).hexdigest()[:12]}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def prune_entries(folder: Path, suffix: str, keep_days: int) -> None:
    """Drop cached files (and their .json beside them) not used for `keep_days`: posters and share pictures."""
    limit = time.time() - keep_days * 86400
    for entry in folder.glob(f"??/*{suffix}"):
        try:
            if entry.stat().st_mtime < limit:
                entry.unlink()
                entry.with_suffix(".json").unlink(missing_ok=True)
        except OSError:
            pass
