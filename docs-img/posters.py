"""Refresh the poster pictures in the README: one sample article per layout, proofed with
`board poster` in a scratch copy of the project, the first page drawn small with pypdfium2.

    .venv/bin/python docs-img/posters.py

A3 landscape is shown with the notice proofed as `poster: {size: A3, orientation: landscape}`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs-img"
WIDTH = 420  # pixels: small enough for the README, large enough to see the layout
SAMPLES = {
    "poster-notice.png": "notices/2026-11-20-冬季大扫除.md",
    "poster-story.png": "stories/2026-11-22-平安夜巡队.md",
    "poster-science.png": "science/2026-11-18-冬季燃气安全.md",
    "poster-law.png": "law/2026-11-23-未成年人保护问答.md",
    "poster-notice-a3-landscape.png": "notices/2026-11-25-二期临时停水.md",
}


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "p"
        project.mkdir()
        for name in ("mkdocs.yml", "short-urls.txt"):
            shutil.copy(ROOT / name, project / name)
        shutil.copytree(ROOT / "templates", project / "templates")
        shutil.copytree(ROOT / "content", project / "content")
        landscape = project / "content" / SAMPLES["poster-notice-a3-landscape.png"]
        text = landscape.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^poster:.*\n", "", text)
        landscape.write_text(text.replace("\n---\n", "\nposter: {size: A3, orientation: landscape}\n---\n", 1),
                             encoding="utf-8")
        paths = sorted(set(SAMPLES.values()))
        subprocess.run([sys.executable, "-m", "generator", "poster", *[f"content/{p}" for p in paths]],
                       cwd=project, check=True)
        for png, article in SAMPLES.items():
            pdf = pypdfium2.PdfDocument(str(project / "proof" / f"{Path(article).stem}.pdf"))
            page = pdf[0]
            image = page.render(scale=WIDTH / page.get_width()).to_pil().convert("RGB")
            image.save(OUT / png, optimize=True)
            pdf.close()
            print(f"{png}: {image.width}x{image.height}")


if __name__ == "__main__":
    main()
