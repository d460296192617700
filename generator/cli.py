"""The `board` command: parse arguments, run the pipeline, print messages in Chinese.

Exit codes (output contract): 0 success, 1 the content has errors, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

from generator import argparse_zh
from generator.messages import Report
from generator.model import types_text
from generator.timeutil import BadDate, beijing, now_shanghai, parse_time

argparse_zh.install()


# How a value is named in help and usage errors when a command does not name it itself.
METAVARS = {"as_of": "时间", "site_dir": "文件夹", "out": "文件夹", "config_file": "设置文件", "dev_addr": "地址:端口",
            "limit": "个数", "target": "目标", "interval": "分钟", "log": "文件", "type": "类型", "title": "标题",
            "paths": "文章文件"}


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors in Chinese (exit code 2, as argparse does)."""

    def add_argument(self, *args, **kwargs):  # type: ignore[override]
        action = super().add_argument(*args, **kwargs)
        if action.metavar is None and action.nargs != 0:
            action.metavar = METAVARS.get(action.dest, "值")  # never the English dest name
        return action

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"board：命令用法不对：{message}。运行 board --help 查看用法。", file=sys.stderr)
        sys.exit(2)


def _as_of(value: str) -> datetime:
    if not re.match(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$", value.strip()):
        raise argparse.ArgumentTypeError(f"时间“{value}”应写成 YYYY-MM-DD 或 \"YYYY-MM-DD HH:MM\"")
    try:
        return parse_time(value)
    except BadDate:
        raise argparse.ArgumentTypeError(f"时间“{value}”不是有效的日期") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="board", description="社区公告栏：把 content/ 里的文章生成网站、电子屏页面和海报。")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), metavar="设置文件",
                        help="站点设置文件（默认：当前文件夹的 mkdocs.yml）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, title="命令",
                                metavar="命令", help="运行 board 命令 -h 查看每条命令的用法，例如 board build -h")

    build = sub.add_parser("build", help="检查文章并生成整个网站（含海报）到 site/", description="检查文章并生成整个网站（含海报）到 site/")
    build.add_argument("--as-of", type=_as_of, metavar="时间", help="按这个时间判断哪些文章已发布、已过期（默认：现在）")
    build.add_argument("--site-dir", type=Path, metavar="文件夹", help="输出文件夹（默认：site）")
    build.add_argument("--no-posters", action="store_true", help="不生成海报（更快）")

    check = sub.add_parser("check", help="只检查文章，不生成网站", description="只检查文章，不生成网站")
    check.add_argument("--as-of", type=_as_of, metavar="时间", help="按这个时间判断发布状态（默认：现在）")
    check.add_argument("--fix-encoding", action="store_true",
                       help="把 GBK、UTF-16 等编码的文章改存为 UTF-8（原文件另存为 .orig）")

    new = sub.add_parser("new", help="按模板新建一篇文章", description="按模板新建一篇文章")
    new.add_argument("type", metavar="类型", help=f"文章类型：{types_text()}")
    new.add_argument("title", metavar="标题", help="文章标题")

    serve = sub.add_parser("serve", help="本地预览，保存文件后自动刷新", description="本地预览，保存文件后自动刷新")
    serve.add_argument("-a", "--dev-addr", metavar="地址:端口", help="预览地址（默认 127.0.0.1:8000）")
    serve.add_argument("--lan", action="store_true",
                       help="让同一个 Wi-Fi 里的手机也能打开预览（会显示手机用的地址和二维码）")
    serve.add_argument("--as-of", type=_as_of, metavar="时间", help="按这个时间判断发布状态（默认：现在）")

    poster = sub.add_parser("poster", help="只生成指定文章的海报，用于打样", description="只生成指定文章的海报，用于打样")
    poster.add_argument("paths", metavar="文章文件", nargs="+", type=Path, help="文章文件，例如 content/notices/2026-11-20-冬季大扫除.md")
    poster.add_argument("--out", type=Path, metavar="文件夹", default=Path("proof"), help="海报放在哪个文件夹（默认：proof）")
    add_publish_commands(sub)
    add_user_commands(sub)
    return parser


def add_user_commands(sub) -> None:
    user = sub.add_parser("user", help="管理工作台账号（board serve --lan 时登录用）",
                          description="管理工作台账号（board serve --lan 时登录用）。密码只存哈希值，存在项目的 .board/ 文件夹里，不会提交到 git。")
    actions = user.add_subparsers(dest="user_action", required=True, parser_class=_Parser, title="操作", metavar="操作")
    add = actions.add_parser("add", help="添加账号（或给已有账号改密码、改角色）")
    add.add_argument("name", metavar="用户名", help="登录用的名字，例如 王芳；保存文章时会记在历史版本里")
    add.add_argument("--role", choices=["writer", "reviewer"], default="writer", metavar="角色",
                     help="writer 撰稿人（默认）或 reviewer 审核人（打开发布前审核后，只有审核人能发布）")
    remove = actions.add_parser("remove", help="删除账号")
    remove.add_argument("name", metavar="用户名")
    actions.add_parser("list", help="列出账号")


def cmd_user(args: argparse.Namespace) -> int:
    import getpass

    from generator.desk import auth

    root = args.config_file.resolve().parent
    if args.user_action == "list":
        users = auth.load_accounts(root)
        if not users:
            print("还没有工作台账号。添加：board user add 王芳 --role writer")
        for name, account in sorted(users.items()):
            print(f"{name}（{auth.ROLES.get(account.get('role', ''), account.get('role', ''))}）")
        return 0
    if args.user_action == "remove":
        if auth.remove_user(root, args.name):
            print(f"已删除账号 {args.name}。")
            return 0
        print(f"board user：没有叫“{args.name}”的账号。", file=sys.stderr)
        return 1
    if sys.stdin.isatty():
        password = getpass.getpass(f"给 {args.name} 设一个密码（至少 {auth.MIN_PASSWORD} 个字符，输入时不显示）：")
        if getpass.getpass("再输入一次：") != password:
            print("board user：两次输入的密码不一样，没有保存。", file=sys.stderr)
            return 1
    else:  # from a script: the password is the first line of standard input
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        new = auth.add_user(root, args.name, args.role, password)
    except auth.AccountError as exc:
        print(f"board user：{exc}", file=sys.stderr)
        return 2
    what = "已添加账号" if new else "已更新账号"
    print(f"{what} {args.name}（{auth.ROLES[args.role]}）。运行 board serve --lan 后，在工作台 /_desk/ 登录。")
    return 0


def print_messages(report: Report) -> None:
    for message in report.sorted():
        print(message, file=sys.stderr)


def load(args: argparse.Namespace, report: Report, site_dir: Path | None = None, *, write_cache: bool = True):
    from generator.load import load_board
    from generator.settings import load_settings

    settings = load_settings(args.config_file, report, site_dir)
    if settings is None:
        return None
    return load_board(settings, getattr(args, "as_of", None) or now_shanghai(), report, write_cache=write_cache)


def cmd_check(args: argparse.Namespace) -> int:
    report = Report()
    if args.fix_encoding:
        from generator.encoding_fix import fix_encodings
        from generator.settings import load_settings

        settings = load_settings(args.config_file, report)
        if settings is not None:
            for line in fix_encodings(settings):
                print(line)
    board = load(args, report, write_cache=False)  # `board check` writes nothing
    if board is not None:
        check_outputs(board, report)
    print_messages(report)
    if board is None or not report.ok:
        print(f"检查未通过：{len(report.errors)} 个错误，{len(report.warnings)} 个警告。请按上面的提示修改后再试。", file=sys.stderr)
        return 1
    counts = {s: sum(1 for a in board.articles if a.status.value == s) for s in ("current", "expired", "scheduled", "draft")}
    print(f"检查通过：共 {len(board.articles)} 篇文章（在期 {counts['current']}，已过期 {counts['expired']}，"
          f"定时发布 {counts['scheduled']}，草稿 {counts['draft']}），{len(report.warnings)} 个警告。")
    return 0


def check_outputs(board, report: Report) -> None:
    """Every output path claimed once: an article named like an attachment or `print-pack` is an error."""
    from generator.output.claims import claim_site
    from generator.plan import plan_site

    claim_site(plan_site(board), report)


def cmd_build(args: argparse.Namespace) -> int:
    from generator.mkdocs_plugin import render_site
    from generator.output import StagedBuild, TargetRefused
    from generator.output.faults import machine_fault

    started = time.monotonic()
    report = Report()
    board = load(args, report, args.site_dir.resolve() if args.site_dir else None)
    if board is not None:
        check_outputs(board, report)
    if board is None or not report.ok:
        print_messages(report)
        print(f"没有生成网站：{len(report.errors)} 个错误。线上的网站保持原样。请按上面的提示修改后再试。", file=sys.stderr)
        return 1
    site_dir = board.settings.site_dir
    posters = board.settings.posters and not args.no_posters
    print(f"正在生成网站：{len(board.published)} 篇已发布文章（按 {beijing(board.as_of, 'minute')} 计算）……", file=sys.stderr)
    staged = StagedBuild(site_dir, on_wait=lambda: print("另一个生成任务正在进行，等它完成……", file=sys.stderr))
    try:
        staging = staged.start()
        ok = render_site(board, staging, posters=posters, report=report)
        print_messages(report)
        if not ok or not report.ok:
            staged.abandon()
            print("没有生成网站，线上的网站保持原样。", file=sys.stderr)
            return 1
        staged.finish()
    except TargetRefused as exc:
        print(f"board：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the machine's fault (disk full, no permission, a file gone), not the staff's
        staged.abandon()
        if os.environ.get("BOARD_DEBUG"):
            traceback.print_exc()
        print(f"board：{machine_fault(exc, site_dir)}", file=sys.stderr)
        return 1
    shown = os.path.relpath(site_dir) if site_dir.is_relative_to(Path.cwd()) else str(site_dir)
    print(f"完成：网站已生成到 {shown}/（用时 {time.monotonic() - started:.1f} 秒）。")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from generator.new_article import create_article
    from generator.settings import load_settings

    report = Report()
    settings = load_settings(args.config_file, report)
    if settings is None:
        print_messages(report)
        return 1
    path, problem = create_article(settings, args.type, args.title, now_shanghai())
    if problem:
        print(f"board new：{problem}", file=sys.stderr)
        return 2 if path is None else 1
    print(f"已新建草稿：{os.path.relpath(path)}。请用记事本等编辑器打开，写好正文后运行 board check 检查；要发布时，删掉文件开头的“draft: true”这一行。")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.preview import serve

    return serve(args.config_file.resolve(), args.dev_addr, args.as_of, lan=args.lan)


def cmd_poster(args: argparse.Namespace) -> int:
    from generator.proof import proof_posters

    report = Report()
    board = load(args, report)
    if board is None:
        print_messages(report)
        return 1
    written = proof_posters(board, args.paths, args.out, report)
    print_messages(report)
    if not report.ok:
        return 1
    for path in written:
        print(f"海报：{os.path.relpath(path)}")
    return 0


# -- putting the site online: next, publish, watch (generator/publish/) -------------------------

def add_publish_commands(sub) -> None:
    nxt = sub.add_parser("next", help="列出接下来网站会自动变化的时间（定时发布、到期撤下、活动结束）")
    nxt.add_argument("--as-of", type=_as_of, help="从这个时间往后列（默认：现在）")
    nxt.add_argument("--limit", type=int, default=None, help="最多列出几个时间点（默认：全部）")

    publish = sub.add_parser("publish", help="生成网站，再发布到 mkdocs.yml 里 deploy 设置的目标")
    publish.add_argument("target", nargs="?", help="只发布到这个目标（deploy 里的 name；默认：全部）")
    publish.add_argument("--dry-run", action="store_true", help="只列出会上传、删除哪些文件，不真正发布")
    publish.add_argument("--rollback", action="store_true", help="退回到上一次发布的版本（本机文件夹和 SSH 目标）")
    publish.add_argument("--as-of", type=_as_of, help="按这个时间判断哪些文章已发布、已过期（默认：现在）")

    watch = sub.add_parser("watch", help="一直运行：文章有改动、到了定时发布或过期的时间，就自动生成并发布")
    watch.add_argument("--interval", type=int, default=30, help="即使没有变化，也每隔多少分钟发布一次（默认：30）")
    watch.add_argument("--log", type=Path, help="日志文件（默认：项目文件夹里的 board-watch.log）")


def cmd_next(args: argparse.Namespace) -> int:
    from generator.publish.moments import moment_lines

    report = Report()
    board = load(args, report, write_cache=False)
    print_messages(report)
    if board is None or not report.ok:
        print(f"文章有 {len(report.errors)} 个错误，请先改正（下面的时间点可能不全）。", file=sys.stderr)
        if board is None:
            return 1
    lines = moment_lines(board, board.as_of, args.limit)
    if not lines:
        print(f"从 {beijing(board.as_of, 'minute')} 起，没有定时发布、到期或活动结束的文章：网站不会自动变化。")
    else:
        print(f"从 {beijing(board.as_of, 'minute')} 起，网站会在这些时间自动变化（board watch 会按时重新发布）：")
        for line in lines:
            print(line)
    return 0 if report.ok else 1


def cmd_publish(args: argparse.Namespace) -> int:
    from generator.publish.run import publish

    return publish(args.config_file, target=args.target, dry_run=args.dry_run, rollback=args.rollback,
                   as_of=args.as_of)


def cmd_watch(args: argparse.Namespace) -> int:
    from generator.publish.watch import watch

    return watch(args.config_file, interval_minutes=args.interval, log_file=args.log)


COMMANDS = {"build": cmd_build, "check": cmd_check, "new": cmd_new, "serve": cmd_serve, "poster": cmd_poster,
            "next": cmd_next, "publish": cmd_publish, "watch": cmd_watch, "user": cmd_user}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("已中断。线上的网站保持原样。", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug of ours, never the staff's: say so plainly
        if os.environ.get("BOARD_DEBUG"):
            traceback.print_exc()
        print(f"board：程序内部出错（{type(exc).__name__}: {exc}）。线上的网站保持原样。"
              "请把这段话发给技术人员；设置环境变量 BOARD_DEBUG=1 可看到详细信息。", file=sys.stderr)
        return 1
