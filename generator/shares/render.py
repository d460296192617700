"""Compile one share picture with Typst: PNG at 1080 px wide.

The same machinery as posters (generator.posters.render): one Typst compiler for the batch, the
article as JSON through `sys.inputs`, the posters' font folder and project root.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import typst

from generator.posters.fonts import FontSet
from generator.posters.jobs import PosterError, PosterJob, PosterSettings
from generator.posters.render import _typst_string, font_dir, project_root

from .data import PPI, share_data
from .png import small_png

TEMPLATE = "share.typ"


class ShareRenderer:
    """Renders share pictures for one batch (one settings/fonts)."""

    def __init__(self, settings: PosterSettings, fonts: FontSet, shares_dir: Path, work_dir: Path,
                 covers: list[Path]) -> None:
        self.settings, self.fonts = settings, fonts
        work_dir.mkdir(parents=True, exist_ok=True)
        template = shares_dir / TEMPLATE
        if not template.is_file():
            raise PosterError(f"找不到分享图片模板：{template}。")
        # the template imports ../posters/common.typ: the root holds both folders
        self.root = project_root(shares_dir.parent, work_dir, covers)
        main = work_dir / "main-share.typ"
        rel = "/" + template.resolve().relative_to(self.root).as_posix()
        src = f"#import {_typst_string(rel)}: share\n#share(json(bytes(sys.inputs.data)))\n"
        if not main.is_file() or main.read_text(encoding="utf-8") != src:
            main.write_text(src, encoding="utf-8")
        fonts_typst = typst.Fonts(include_system_fonts=False, include_embedded_fonts=True,
                                  font_paths=[str(font_dir(fonts, work_dir))])
        self.compiler = typst.Compiler(str(main), root=str(self.root), font_paths=fonts_typst,
                                       ignore_system_fonts=True)

    def document(self, job: PosterJob) -> dict:
        return share_data(job, self.settings, self.fonts, PurePosixPath(self.root))

    def _compile(self, job: PosterJob, fmt: str) -> tuple[bytes, dict, dict]:
        doc = self.document(job)
        try:
            out = self.compiler.compile(sys_inputs={"data": json.dumps(doc, ensure_ascii=False)},
                                        format=fmt, ppi=PPI, timestamp=int(job.date.timestamp()))
            fit = json.loads(self.compiler.query("<share-fit>", field="value", one=True))
        except (typst.TypstError, RuntimeError) as exc:
            msg = getattr(exc, "message", None) or str(exc)
            raise PosterError(f"{job.source}: 分享图片排版失败：{msg}") from exc
        if isinstance(out, list):  # more than one page: the template is broken
            raise PosterError(f"{job.source}: 分享图片排成了 {len(out)} 页（应为 1 张），请检查模板。")
        return out, doc, fit

    def drawn(self, job: PosterJob) -> bytes:
        """The picture as Typst draws it: full colour, before it is made small (tests compare the two)."""
        return self._compile(job, "png")[0]

    def render(self, job: PosterJob) -> tuple[bytes, dict]:
        """PNG bytes (small: a 256-colour palette, no metadata chunk) and the fit {complete, omitted}."""
        png, doc, fit = self._compile(job, "png")
        return small_png(png), {"complete": bool(fit["complete"]), "omitted": doc["omitted"]}

    def pdf(self, job: PosterJob) -> bytes:
        """The same picture as a PDF (its text can be read back: tests, proofs)."""
        return self._compile(job, "pdf")[0]
