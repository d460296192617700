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
from generator import timeutil
from generator.timeutil import BadDate, beijing, now_shanghai, parse_time

argparse_zh.install()


# How a value is named in help and usage errors when a command does not name it itself.
METAVARS = {"as_of": "时间", "site_dir": "文件夹", "out": "文件夹", "config_file": "设置文件", "dev_addr": "地址:端口",
            "limit": "个数", "target": "目标", "interval": "分钟", "log": "文件", "type": "类型", "title": "标题",
            "paths": "文章文件", "community": "社区代号"}

COMMUNITY_HELP = "街道项目：只处理这一个社区（communities 文件夹里的社区代号，例如 xingfuli）"


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
    build.add_argument("--community", help=COMMUNITY_HELP)

    check = sub.add_parser("check", help="只检查文章，不生成网站", description="只检查文章，不生成网站")
    check.add_argument("--as-of", type=_as_of, metavar="时间", help="按这个时间判断发布状态（默认：现在）")
    check.add_argument("--fix-encoding", action="store_true",
                       help="把 GBK、UTF-16 等编码的文章改存为 UTF-8（原文件另存为 .orig）")
    check.add_argument("--community", help=COMMUNITY_HELP)

    new = sub.add_parser("new", help="按模板新建一篇文章", description="按模板新建一篇文章")
    new.add_argument("type", metavar="类型", help=f"文章类型：{types_text()}")
    new.add_argument("title", metavar="标题", help="文章标题")

    serve = sub.add_parser("serve", help="本地预览，保存文件后自动刷新", description="本地预览，保存文件后自动刷新")
    serve.add_argument("-a", "--dev-addr", metavar="地址:端口", help="预览地址（默认 127.0.0.1:8000）")
    serve.add_argument("--lan", action="store_true",
                       help="让同一个 Wi-Fi 里的手机也能打开预览（会显示手机用的地址和二维码）")
    serve.add_argument("--as-of", type=_as_of, metavar="时间", help="按这个时间判断发布状态（默认：现在）")
    serve.add_argument("--community", help=COMMUNITY_HELP)

    poster = sub.add_parser("poster", help="只生成指定文章的海报，用于打样", description="只生成指定文章的海报，用于打样")
    poster.add_argument("paths", metavar="文章文件", nargs="+", type=Path, help="文章文件，例如 content/notices/2026-11-20-冬季大扫除.md")
    poster.add_argument("--out", type=Path, metavar="文件夹", default=Path("proof"), help="海报放在哪个文件夹（默认：proof）")
    poster.add_argument("--community", help=COMMUNITY_HELP)
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
    if _street_root(args) is not None and not args.community:
        return _check_street(args)
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
    from generator.load import load_board
    from generator.output import StagedBuild, TargetRefused
    from generator import unchanged
    from generator.output.faults import machine_fault
    from generator.output.writer import Tree
    from generator.settings import load_settings

    if _street_root(args) is not None:
        return _build_street(args)
    started = time.monotonic()
    report = Report()
    settings = load_settings(args.config_file, report, args.site_dir.resolve() if args.site_dir else None)
    as_of = args.as_of or now_shanghai()
    stamp = inputs = key = None
    stamped = False
    on_wait = lambda: print("另一个生成任务正在进行，等它完成……", file=sys.stderr)  # noqa: E731
    staged = None
    if settings is not None and report.ok and settings.street is None:
        key = unchanged.build_key(settings.config_file, settings.site_dir, args.as_of,
                                  settings.posters and not args.no_posters)
        stamp = unchanged.Stamp.load(settings.config_file.parent)
        if stamp is not None and unchanged.unchanged(stamp, key, settings.site_dir, as_of, settings.config_file.parent):
            return _unchanged_site(stamp, settings, as_of, started)
        stamped = True
        # The staging folder is filled (the site online linked in) while the articles are read and checked.
        staged = StagedBuild(settings.site_dir, on_wait=on_wait, recycle=True)
        try:
            staged.begin()
        except OSError:
            staged = None  # said when the build starts writing, as without an early start
    from generator import workers

    try:
        if stamped:
            # What this build reads, as it is now (before reading it): a file saved during the build is a change next time.
            inputs = unchanged.snapshot(unchanged.input_roots(settings), stamp.inputs if stamp else None)
        # MkDocs' imports (about 0.6 s) while the check pool works, not after it; else after the checks passed
        workers.meanwhile(_import_renderer)
        try:
            board = load_board(settings, as_of, report) if settings is not None else None
        finally:
            workers.meanwhile(None)
        if board is not None:
            check_outputs(board, report)
    except BaseException:
        if staged is not None:
            staged.abandon()
        raise
    if board is None or not report.ok:
        print_messages(report)
        print(f"没有生成网站：{len(report.errors)} 个错误。线上的网站保持原样。请按上面的提示修改后再试。", file=sys.stderr)
        if staged is not None:
            staged.abandon()  # after the messages: staff read them while the links go
        return 1
    from generator.mkdocs_plugin import render_site  # here: a build the checks stop never pays for MkDocs' imports

    site_dir = board.settings.site_dir
    posters = board.settings.posters and not args.no_posters
    print(f"正在生成网站：{len(board.published)} 篇已发布文章（按 {beijing(board.as_of, 'minute')} 计算）……", file=sys.stderr)
    if staged is None or staged.recycle != (board.cache is not None and board.cache.write):
        if staged is not None:
            staged.abandon()
        staged = StagedBuild(site_dir, on_wait=on_wait, recycle=board.cache is not None and board.cache.write)
    try:
        staging = staged.start()
        tree = Tree(staged.previous) if staged.recycle else None
        ok = render_site(board, staging, posters=posters, report=report, tree=tree)
        print_messages(report)
        if not ok or not report.ok:
            staged.abandon()
            print("没有生成网站，线上的网站保持原样。", file=sys.stderr)
            return 1
        marker = unchanged.marker_id(staging)  # the tree's own: renamed into place, it keeps inode and time
        staged.finish(tree.manifest if tree is not None else None)
    except TargetRefused as exc:
        print(f"board：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the machine's fault (disk full, no permission, a file gone), not the staff's
        staged.abandon()
        if os.environ.get("BOARD_DEBUG"):
            traceback.print_exc()
        print(f"board：{machine_fault(exc, site_dir)}", file=sys.stderr)
        return 1
    if inputs is not None and key is not None:
        roots = unchanged.input_roots(board.settings)
        # The registry is the build's own output too (new short codes): kept as the build left it.
        registry = [str(r) for r in roots if r.name == "short-urls.txt"]
        inputs.update(unchanged.snapshot([Path(r) for r in registry], inputs))
        unchanged.Stamp(key, inputs, [str(r) for r in roots], timeutil.iso(board.as_of),
                        unchanged.next_moment(board.articles, board.as_of), len(board.published),
                        [str(m) for m in report.sorted()], marker).save(board.settings.config_file.parent)
    shown = os.path.relpath(site_dir) if site_dir.is_relative_to(Path.cwd()) else str(site_dir)
    print(f"完成：网站已生成到 {shown}/（用时 {time.monotonic() - started:.1f} 秒）。")
    return 0


def _import_renderer() -> None:
    try:
        import generator.mkdocs_plugin  # noqa: F401
    except Exception:  # noqa: BLE001  the import after the checks meets it again and says so as before
        pass


def _unchanged_site(stamp, settings, as_of, started: float) -> int:
    """Nothing a build reads has changed and no article's moment has passed: the site online is already it."""
    from generator.buildcache import BuildCache

    from generator.output import build_lock, clear_leftovers

    site_dir = settings.site_dir
    try:
        with build_lock(site_dir, on_wait=lambda: print("另一个生成任务正在进行，等它完成……", file=sys.stderr)):
            clear_leftovers(site_dir)  # what a killed build left beside the site goes, as with every build
    except OSError:  # a folder we may not lock in: the site is as it should be all the same
        pass
    cache = BuildCache(settings.config_file.parent)
    cache.count("build.unchanged")
    cache.save_stats()  # what this build did: nothing (tests read it)
    for line in stamp.messages:  # the warnings of the build that made it, said again
        print(line, file=sys.stderr)
    print(f"没有改动：{stamp.published} 篇已发布文章（按 {beijing(as_of, 'minute')} 计算）和上次生成时一样，"
          "网站保持原样。", file=sys.stderr)
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

    if _street_root(args) is not None and not args.community:
        return _usage("board serve", "这是街道项目，请用 --community 指定预览哪个社区，例如 board serve --community "
                      + (_community_ids(args)[:1] or ["xingfuli"])[0])

    return serve(args.config_file.resolve(), args.dev_addr, args.as_of, lan=args.lan)


def cmd_poster(args: argparse.Namespace) -> int:
    from generator.proof import proof_posters

    if _street_root(args) is not None and not args.community:
        return _usage("board poster", "这是街道项目，请用 --community 指定用哪个社区的抬头打样，例如 board poster --community "
                      + (_community_ids(args)[:1] or ["xingfuli"])[0] + " content/notices/文章.md")
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
    nxt.add_argument("--community", help=COMMUNITY_HELP)

    publish = sub.add_parser("publish", help="生成网站，再发布到 mkdocs.yml 里 deploy 设置的目标")
    publish.add_argument("target", nargs="?", help="只发布到这个目标（deploy 里的 name；默认：全部）")
    publish.add_argument("--dry-run", action="store_true", help="只列出会上传、删除哪些文件，不真正发布")
    publish.add_argument("--rollback", action="store_true", help="退回到上一次发布的版本（本机文件夹和 SSH 目标）")
    publish.add_argument("--as-of", type=_as_of, help="按这个时间判断哪些文章已发布、已过期（默认：现在）")
    publish.add_argument("--community", help="街道项目：只重新生成这一个社区，再发布整个街道的网站")

    watch = sub.add_parser("watch", help="一直运行：文章有改动、到了定时发布或过期的时间，就自动生成并发布")
    watch.add_argument("--interval", type=int, default=30, help="即使没有变化，也每隔多少分钟发布一次（默认：30）")
    watch.add_argument("--log", type=Path, help="日志文件（默认：项目文件夹里的 board-watch.log）")
    watch.add_argument("--community", help="街道项目：只监视并发布这一个社区（默认：所有社区）")


def cmd_next(args: argparse.Namespace) -> int:
    from generator.publish.moments import moment_lines

    if _street_root(args) is not None and not args.community:
        return _next_street(args)
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

    if args.community:  # a street: rebuild this community, publish the street's whole site to the street's targets
        args.config_file = args.street_config
    return publish(args.config_file, target=args.target, dry_run=args.dry_run, rollback=args.rollback,
                   as_of=args.as_of, community=args.community)


def cmd_watch(args: argparse.Namespace) -> int:
    from generator.publish.watch import watch

    if args.community:  # a street: the street's own settings (its targets), this community only
        return watch(args.street_config, interval_minutes=args.interval, log_file=args.log, community=args.community)
    return watch(args.config_file, interval_minutes=args.interval, log_file=args.log)


COMMANDS = {"build": cmd_build, "check": cmd_check, "new": cmd_new, "serve": cmd_serve, "poster": cmd_poster,
            "next": cmd_next, "publish": cmd_publish, "watch": cmd_watch, "user": cmd_user}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        problem = _choose_community(args)
        if problem is not None:
            return problem
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


# -- a street project: many communities (generator/street.py) --------------------------------------

def _usage(command: str, text: str) -> int:
    print(f"{command}：{text}。", file=sys.stderr)
    return 2


def _street_root(args: argparse.Namespace) -> Path | None:
    """The street's folder when -f names a street project's own mkdocs.yml (not a community's)."""
    from generator.street_layout import is_street

    root = getattr(args, "street_root", None) or args.config_file.resolve().parent
    return root if is_street(root) else None


def _community_ids(args: argparse.Namespace) -> list[str]:
    from generator.street_layout import COMMUNITIES, CONFIG

    root = _street_root(args)
    return sorted(p.name for p in (root / COMMUNITIES).iterdir() if (p / CONFIG).is_file()) if root else []


def _choose_community(args: argparse.Namespace) -> int | None:
    """`--community ID`: act on that community's mkdocs.yml (the street's own is kept as args.street_config)."""
    from generator.street_layout import community_config

    community = getattr(args, "community", None)
    if not community:
        return None
    root = _street_root(args)
    if root is None:
        return _usage(f"board {args.command}", f"--community 只用于街道项目（有 communities 文件夹的项目），"
                      f"{args.config_file.resolve().parent} 里没有 communities 文件夹")
    ids = _community_ids(args)
    if community not in ids:
        return _usage(f"board {args.command}", f"没有叫“{community}”的社区。本街道的社区有：{'、'.join(ids) or '（还没有）'}")
    args.street_root = root
    args.street_config = args.config_file
    args.config_file = community_config(root, community)
    return None


def _check_street(args: argparse.Namespace) -> int:
    from generator.street import check_street

    root = _street_root(args)
    report = Report()
    if args.fix_encoding:
        from generator.encoding_fix import fix_encodings
        from generator.settings import load_settings

        for config in [root / "mkdocs.yml", *(root / "communities" / i / "mkdocs.yml" for i in _community_ids(args))]:
            settings = load_settings(config, Report())
            if settings is not None:
                for line in fix_encodings(settings):
                    print(line)
    counts = check_street(root, getattr(args, "as_of", None) or now_shanghai(), report)
    print_messages(report)
    if counts is None or not report.ok:
        print(f"检查未通过：{len(report.errors)} 个错误，{len(report.warnings)} 个警告。请按上面的提示修改后再试。", file=sys.stderr)
        return 1
    print(f"检查通过：{counts['communities']} 个社区，共 {sum(counts.get(s, 0) for s in ('current', 'expired', 'scheduled', 'draft'))} 篇"
          f"（每个社区分别计算，街道文章在每个社区各算一篇；在期 {counts.get('current', 0)}，已过期 {counts.get('expired', 0)}，"
          f"定时发布 {counts.get('scheduled', 0)}，草稿 {counts.get('draft', 0)}），{len(report.warnings)} 个警告。")
    return 0


def _build_street(args: argparse.Namespace) -> int:
    from generator.output import TargetRefused
    from generator.output.faults import machine_fault
    from generator.street import build_street, print_progress

    started = time.monotonic()
    root = _street_root(args)
    report = Report()
    site_dir = args.site_dir.resolve() if args.site_dir else None
    try:
        site = build_street(root, args.as_of or now_shanghai(), report, posters=not args.no_posters, site_dir=site_dir,
                            only=args.community, say=print_progress, clock=args.as_of)
    except TargetRefused as exc:
        print_messages(report)
        print(f"board：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the machine's fault (disk full, no permission), not the staff's
        print_messages(report)
        if os.environ.get("BOARD_DEBUG"):
            traceback.print_exc()
        print(f"board：{machine_fault(exc, site_dir or root / 'site')}", file=sys.stderr)
        return 1
    print_messages(report)
    if site is None:
        print(f"没有生成网站：{len(report.errors)} 个错误。线上的网站保持原样（所有社区都没有变）。请按上面的提示修改后再试。",
              file=sys.stderr)
        return 1
    shown = os.path.relpath(site) if site.is_relative_to(Path.cwd()) else str(site)
    what = f"社区 {args.community} 已重新生成" if args.community else "所有社区已生成"
    print(f"完成：{what}，街道网站在 {shown}/（总页面 {shown}/index.html，用时 {time.monotonic() - started:.1f} 秒）。")
    return 0


def _next_street(args: argparse.Namespace) -> int:
    """`board next` of a street: each community's moments, under its id."""
    status = 0
    for community in _community_ids(args):
        print(f"== 社区 {community} ==")
        sub = argparse.Namespace(**vars(args))
        sub.community = community
        _choose_community(sub)
        status = max(status, cmd_next(sub))
    return status
