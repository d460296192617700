"""`board poster PATH...`: proof the posters of some articles, whatever their status, outside site/."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from generator.load import Board
from generator.messages import Report
from generator.model import Status


def proof_posters(board: Board, paths: list[Path], out_dir: Path, report: Report) -> list[Path]:
    from generator.plan import plan_site
    from generator.poster_step import poster_job, render_jobs

    wanted = {p.resolve() for p in paths}
    chosen = [a for a in board.articles if a.path.resolve() in wanted]
    found = {a.path.resolve() for a in chosen}
    for path in paths:
        if path.resolve() not in found:
            report.error(str(path), 1, "找不到这篇文章，或它有错误（先运行 board check 看看）。请给出 content/ 里 .md 文件的路径。", code="proof.not_found")
    if not chosen:
        return []
    plan = plan_site(board)
    # A proof shows the poster as it will look once published, whatever the status today.
    jobs = [poster_job(replace(a, status=Status.CURRENT), plan) for a in chosen]
    if not render_jobs(jobs, out_dir, plan, report):
        return []
    return [out_dir / f"{job.slug}.pdf" for job in jobs]
