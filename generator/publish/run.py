"""`board publish`: build the site, then deploy it to every `deploy` target (or the one named).

The build is `board build` itself (same checks, same swap into site/); then each target gets the
files of site/. A target that fails is reported and leaves its previous release online; the others
still get theirs. Exit codes as everywhere: 0 done, 1 content errors or a failed deploy, 2 wrong usage.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from generator.messages import Report
from generator.publish.files import site_files
from generator.output.lock import file_lock
from generator.publish.releases import DeployError, Outcome
from generator.publish.targets import TYPES, Target, load_targets
from generator.timeutil import beijing

EXAMPLE = """  plugins:
    - board:
        deploy:
          - name: 本机
            type: folder
            path: /var/www/board/site"""


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def publish_lock(site_dir: Path):
    """One publish at a time per project (board watch and a manual board publish may meet)."""
    return file_lock(site_dir.parent / f".{site_dir.name}.publish.lock",
                     on_wait=lambda: say("另一个发布任务正在进行，等它完成……"))


def _targets(config_file: Path, name: str | None) -> tuple[object, list[Target]] | int:
    from generator.settings import load_settings

    report = Report()
    settings = load_settings(config_file, report)
    targets = load_targets(settings, report) if settings is not None else []
    for message in report.sorted():
        say(str(message))
    if settings is None or not report.ok:
        say("发布设置有错误，没有发布。线上的网站保持原样。")
        return 1
    if not targets:
        say(f"{config_file.name}:1: 错误：还没有设置发布目标。请在 mkdocs.yml 的 board 设置里加上 deploy，例如：\n{EXAMPLE}\n"
            "详见 README“上线”一节。")
        return 1
    if name is not None:
        chosen = [t for t in targets if t.name == name]
        if not chosen:
            say(f"board publish：没有叫“{name}”的发布目标。mkdocs.yml 里有：{'、'.join(t.name for t in targets)}。")
            return 2
        targets = chosen
    return settings, targets


def publish(config_file: Path, target: str | None = None, dry_run: bool = False, rollback: bool = False,
            as_of: datetime | None = None, community: str | None = None) -> int:
    """`community`: in a street project, rebuild only that community (the street's whole site is published)."""
    found = _targets(config_file, target)
    if isinstance(found, int):
        return found
    settings, targets = found
    if rollback:
        return _rollback(settings, targets)
    with publish_lock(settings.site_dir):
        from generator.cli import main as board

        argv = ["-f", str(config_file), "build"] + (["--as-of", beijing(as_of, "minute")] if as_of else [])
        argv += ["--community", community] if community else []
        if board(argv) != 0:
            say("没有发布：网站没有生成成功（见上面的提示）。线上的网站保持原样。")
            return 1
        files = site_files(settings.site_dir)
        failed = 0
        for item in targets:
            failed += not _deploy_one(settings, item, files, dry_run)
    if failed:
        say(f"有 {failed} 个发布目标没有成功，它们线上仍是上一个版本。")
        return 1
    return 0


def _deploy_one(settings, target: Target, files, dry_run: bool) -> bool:
    label = f"“{target.name}”（{TYPES[target.type]}）"
    try:
        if target.type == "s3":
            from generator.publish import s3

            if dry_run:
                say(f"{label}：试运行，只列出变化，不上传——")
            outcome = s3.deploy(target.options, files, settings.project_root, dry_run=dry_run, report_line=say)
        elif dry_run:
            outcome = _dry_run_release(settings, target, files)
        elif target.type == "folder":
            from generator.publish import folder

            outcome = folder.deploy(target.options, files, settings.project_root, say)
        else:
            from generator.publish import ssh

            outcome = ssh.deploy(target.options, files, settings.project_root, say)
    except DeployError as exc:
        say(f"发布到{label}失败：{exc}")
        return False
    except OSError as exc:
        say(f"发布到{label}失败：写入出错（{exc.strerror or type(exc).__name__}，{exc.filename or ''}）。"
            "请检查文件夹是否存在、有没有写入权限、磁盘是否已满。线上仍是上一个版本。")
        return False
    _summary(label, outcome, dry_run)
    return True


def _dry_run_release(settings, target: Target, files) -> Outcome:
    if target.type == "folder":
        from generator.publish import folder

        site = folder.release_site(target.options, settings.project_root)
        client = None
    else:
        from generator.publish import ssh

        client = ssh.connect(target.options, settings.project_root)
        site = ssh.release_site(target.options, client)
    try:
        _old, added, changed, removed = site.plan(files)
    finally:
        if client is not None:
            client.close()
    say(f"“{target.name}”：试运行，只列出变化，不上传——")
    for rel in added:
        say(f"  新增 {rel}")
    for rel in changed:
        say(f"  更新 {rel}")
    for rel in removed:
        say(f"  删除 {rel}")
    return Outcome(changed=bool(added or changed or removed), uploaded=len(added) + len(changed), removed=len(removed))


def _summary(label: str, outcome: Outcome, dry_run: bool) -> None:
    for note in outcome.notes:
        say(note)
    if dry_run:
        print(f"{label}：试运行——会上传 {outcome.uploaded} 个文件，删除 {outcome.removed} 个；什么也没有改。"
              if outcome.changed else f"{label}：试运行——和线上相同，不需要发布。")
    elif not outcome.changed:
        print(f"{label}：网站内容和线上相同，没有上传任何文件。")
    elif outcome.release:
        print(f"{label}：已发布新版本 {outcome.release}（上传 {outcome.uploaded} 个文件，沿用 {outcome.linked} 个未变的文件）。")
    else:
        print(f"{label}：已发布（上传 {outcome.uploaded} 个文件，删除 {outcome.removed} 个旧文件）。")


def _rollback(settings, targets: list[Target]) -> int:
    failed = 0
    for target in targets:
        label = f"“{target.name}”（{TYPES[target.type]}）"
        try:
            if target.type == "s3":
                raise DeployError("对象存储不保留旧版本，不能退回。请改正文章后重新运行 board publish。")
            if target.type == "folder":
                from generator.publish import folder

                was, now = folder.release_site(target.options, settings.project_root).rollback()
            else:
                from generator.publish import ssh

                was, now = ssh.rollback(target.options, settings.project_root)
        except (DeployError, OSError) as exc:
            say(f"{label}没有退回：{exc}")
            failed += 1
            continue
        print(f"{label}：已从版本 {was} 退回到上一个版本 {now}。")
    return 1 if failed else 0
