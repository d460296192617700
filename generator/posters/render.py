"""Compile one poster with Typst and prove the result is usable.

One `typst.Compiler` per template is kept for a whole batch: Typst then
parses the templates and loads the fonts once and memoizes layout between
posters. The article goes in as JSON through `sys.inputs`; the main file
only imports the template and calls it, so no article text is ever Typst
source.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path, PurePosixPath

import typst

from .data import poster_data
from .fonts import FontSet, check_embedded
from .jobs import PosterError, PosterFit, PosterJob, PosterSettings

_PAGES = re.compile(rb"<<[^<>]*?/Type\s*/Pages\b[^<>]*?>>")
_COUNT = re.compile(rb"/Count\s+(\d+)")


def page_count(pdf: bytes) -> int:
    """Pages in a PDF Typst wrote (a byte scan; pypdf when in doubt)."""
    counts = [int(c.group(1)) for m in _PAGES.finditer(pdf) for c in [_COUNT.search(m.group(0))] if c]
    if len(counts) == 1:
        return counts[0]
    import io

    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _typst_string(s: str) -> str:
    """A Typst string literal (for our own paths, never article text)."""
    return json.dumps(s, ensure_ascii=False)


def project_root(templates_dir: Path, work_dir: Path, covers: list[Path]) -> Path:
    """The Typst root: the deepest folder holding templates, the generated
    main files and every cover image (Typst reads nothing outside it)."""
    paths = [templates_dir.resolve(), work_dir.resolve()] + [c.resolve().parent for c in covers]
    return Path(os.path.commonpath([str(p) for p in paths]))


def font_dir(fonts: FontSet, work_dir: Path) -> Path:
    """A folder holding exactly our font files: Typst takes folders, and the
    folder of an override font may hold hundreds of others."""
    d = work_dir / ("fonts-" + fonts.digest()[:16])
    if not d.is_dir():
        tmp = work_dir / (d.name + f".tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for p in fonts.files:
            try:
                (tmp / p.name).symlink_to(p)
            except OSError:
                shutil.copyfile(p, tmp / p.name)
        try:
            tmp.rename(d)
        except OSError:  # another process won the race
            shutil.rmtree(tmp, ignore_errors=True)
    return d


class Renderer:
    """Renders PosterJobs to PDF bytes for one batch (one settings/fonts)."""

    def __init__(self, settings: PosterSettings, fonts: FontSet, work_dir: Path, covers: list[Path]):
        self.settings = settings
        self.fonts = fonts
        self.work_dir = work_dir
        work_dir.mkdir(parents=True, exist_ok=True)
        self.root = project_root(settings.templates_dir, work_dir, covers)
        self.typst_fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                                       font_paths=[str(font_dir(fonts, work_dir))])
        self.compilers: dict[str, typst.Compiler] = {}

    def _rel(self, path: Path) -> str:
        return "/" + path.resolve().relative_to(self.root).as_posix()

    def main_file(self, kind: str) -> Path:
        """The generated Typst main file for a type: it imports the template
        and hands it the JSON data; no article text is ever written here."""
        template = self.settings.templates_dir / f"{kind}.typ"
        if not template.is_file():
            raise PosterError(f"找不到海报模板：{template}。")
        main = self.work_dir / f"main-{kind}.typ"
        src = f"#import {_typst_string(self._rel(template))}: poster\n#poster(json(bytes(sys.inputs.data)))\n"
        if not main.is_file() or main.read_text(encoding="utf-8") != src:
            main.write_text(src, encoding="utf-8")
        return main

    def _compiler(self, kind: str) -> typst.Compiler:
        if kind not in self.compilers:
            self.compilers[kind] = typst.Compiler(str(self.main_file(kind)), root=str(self.root),
                                                  font_paths=self.typst_fonts, ignore_system_fonts=True)
        return self.compilers[kind]

    def document(self, job: PosterJob) -> dict:
        """The JSON data of a job's poster (also used by the benchmark)."""
        return poster_data(job, self.settings, self.fonts, PurePosixPath(self.root))

    def render(self, job: PosterJob) -> tuple[bytes, PosterFit]:
        compiler = self._compiler(job.type)
        doc = self.document(job)
        data = json.dumps(doc, ensure_ascii=False)
        try:
            pdf = compiler.compile(sys_inputs={"data": data}, timestamp=int(job.date.timestamp()), pdf_tags=False)
            fit = json.loads(compiler.query("<poster-fit>", field="value", one=True))
        except (typst.TypstError, RuntimeError) as exc:
            msg = getattr(exc, "message", None) or str(exc)
            raise PosterError(f"{job.source}: 海报排版失败：{msg}") from exc
        pages = page_count(pdf)
        if pages != 1:
            raise PosterError(f"{job.source}: 海报排成了 {pages} 页（应为 1 页），请检查模板。")
        check_embedded(pdf, self.fonts, job.source)
        return pdf, PosterFit(body_pt=float(fit["body"]), complete=bool(fit["complete"]), omitted=doc["omitted"])
