"""`board serve`: a live preview that never breaks, whatever the content.

Our own small server rather than `mkdocs serve`: MkDocs' server aborts at start-up on a content
error and, while running, keeps the old page and says so in English. Each build goes into the
folder the build before last made (the one not shown), brought up to date: only what a save
changed is written (generator.output.recycle); while the content has errors every page of the
preview is a Chinese page listing them, and the good site comes back by itself when they are
fixed. A page reloads itself when the server's build counter moves (templates/preview/preview.js).

A save of one article is shown at once, as `mkdocs serve --dirty` does it: the process keeps the last good
build's MkDocs state warm, checks the saved file alone and renders its page again (`quick`); the page is
served from memory while the whole site is built again in the background (another thread), which then
replaces it. A save that touches more than one article's page (a picture, a setting, a template, a new or
deleted file, an error) waits for the build.
"""

from __future__ import annotations

import http.server
import logging
import mimetypes
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote, urlsplit

import jinja2

from generator.front_mistakes import make_visible
from generator.messages import Level, Message, Report
from generator.timeutil import beijing, now_shanghai

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DEBOUNCE_MS = 300  # editors save in several writes; build once they are done
WATCH_STEP_MS = 50  # quiet time after a save before the build starts (watchfiles' step); also how often it looks at the stop flag
UPDATING = ("<!doctype html><html lang=zh-CN><meta charset=utf-8><meta http-equiv=refresh content=1>"
            "<title>正在更新</title><p>网站正在更新，马上自动刷新……</p>").encode()


@dataclass
class Shown:
    """A message as the preview shows it: with the text of the line it names, invisible characters made visible."""

    path: str
    line: int
    text: str
    code: str
    source_line: str | None = None


@dataclass
class State:
    """What the server shows now; replaced whole after each build (readers never see half of one)."""

    version: int = 0
    site: Path | None = None  # the last good build
    errors: list[Shown] = field(default_factory=list)
    warnings: list[Shown] = field(default_factory=list)
    checked_at: str = ""
    notes: dict[str, str] = field(default_factory=dict)  # page path -> why residents do not see it yet
    wechat: dict[str, str] = field(default_factory=dict)  # article page path -> its 公众号 copy page
    pages: dict[str, tuple[int, bytes]] = field(default_factory=dict)  # page file -> (save number, page made by quick)


def _shown(message: Message, root: Path) -> Shown:
    source_line = None
    path = root / message.path
    if message.line >= 1 and path.suffix.lower() in (".md", ".yml", ".yaml") and path.is_file():
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                for number, line in enumerate(handle, start=1):
                    if number == message.line:
                        source_line = make_visible(line.rstrip("\n"))[:200]
                        break
        except OSError:
            pass
    return Shown(message.path, max(message.line, 1), message.text, message.code, source_line)


class Preview:
    """Builds the site into temporary folders on demand and keeps the State the server reads."""

    def __init__(self, config_file: Path, as_of: datetime | None, say: Callable[[str], None]) -> None:
        self.config_file = config_file
        self.root = config_file.parent
        self.as_of = as_of
        self.say = say
        self.work = Path(tempfile.mkdtemp(prefix="board-preview-"))
        self.state = State()
        self._shown_files: dict | None = None  # what the folder shown now holds (its manifest)
        self._spare: tuple[Path, dict | None] | None = None  # the folder shown before it, and what it holds
        self.desk = None  # the staff desk at /_desk/ (generator/desk/), set by serve()
        self._lock = threading.Lock()
        self._warm: tuple | None = None  # (board, MkDocs plugin) of the last good build, for quick
        self._saves = 0  # change batches seen by the watcher
        self._wanted = threading.Event()  # a build is wanted (set by the watcher, taken by the build thread)
        self._rewatch = threading.Event()  # a build changed watch_paths: the watcher starts again
        self.watch_paths: list[Path] = [config_file]
        templates = self.root / "templates" / "preview"
        if not (templates / "error.html").is_file():
            templates = PACKAGE_TEMPLATES / "preview"
        self.templates_dir = templates
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=True)

    # -- building ----------------------------------------------------------------------------
    def build(self) -> State:
        """One build; never raises (a fault of ours is shown as a message too)."""
        from generator.cli import print_messages
        from generator.load import load_board
        from generator.mkdocs_plugin import render_site
        from generator.output.writer import Tree
        from generator.settings import load_settings

        started = time.monotonic()
        saves = self._saves  # pages made by quick for later saves stay shown after this build
        report = Report()
        if self._spare is not None and self._spare[1] is None:  # what it holds is not known: not reused
            shutil.rmtree(self._spare[0], ignore_errors=True)
            self._spare = None
        out, previous = self._spare or (Path(tempfile.mkdtemp(prefix="site-", dir=self.work)), None)
        self._spare = None
        tree = Tree(previous)
        good = False
        notes: dict[str, str] = {}
        wechat: dict[str, str] = {}
        kept: list = []
        try:
            settings = load_settings(self.config_file, report, out)
            if settings is not None:
                self.watch_paths = [self.config_file, settings.content_dir, settings.templates_dir]
                if settings.street is not None:  # a community of a street: the street's articles and settings too
                    self.watch_paths += [settings.street.content_dir, settings.project_root / "mkdocs.yml"]
                self.root = settings.project_root  # messages name files from here (the street's folder)
                board = load_board(settings, self.as_of or now_shanghai(), report, preview=True)
                notes = unpublished_notes(board)
                wechat = wechat_links(board)
                if report.ok:
                    good = render_site(board, out, posters=False, report=report, tree=tree, keep=kept) and report.ok
        except Exception as exc:  # a bug of ours must not stop the preview: say it plainly and keep serving
            if os.environ.get("BOARD_DEBUG"):
                traceback.print_exc()
            report.error("mkdocs.yml", 1, f"程序内部出错（{type(exc).__name__}）。预览会继续运行；"
                         "如果改了文件后还出现这一条，请把它发给技术人员。", code="preview.internal")
        with self._lock:
            old = self.state
            state = State(version=old.version + 1, site=out if good else old.site,
                          errors=[_shown(m, self.root) for m in report.sorted() if m.level is Level.ERROR],
                          warnings=[_shown(m, self.root) for m in report.sorted() if m.level is Level.WARNING],
                          checked_at=beijing(now_shanghai(), "second"), notes=notes, wechat=wechat,
                          pages={k: v for k, v in old.pages.items() if v[0] > saves})
            self.state = state
            if good:
                self._warm = (board, kept[0]) if kept else None
        if good:
            if old.site is not None and old.site != out:  # the next build brings it up to date
                self._spare = (old.site, self._shown_files)
            self._shown_files = tree.manifest
        elif out != old.site:
            shutil.rmtree(out, ignore_errors=True)  # half brought up to date: never reused
        print_messages(report)
        took = time.monotonic() - started
        if good:
            extra = f"，{len(state.warnings)} 个警告" if state.warnings else ""
            self.say(f"[{state.checked_at}] 预览已更新（用时 {took:.1f} 秒{extra}）。")
        else:
            self.say(f"[{state.checked_at}] 有 {len(state.errors)} 个错误（见上面，预览网页上也有说明）。"
                     "改好保存后，预览会自己恢复。")
        return state

    def snapshot(self) -> State:
        with self._lock:
            return self.state

    def quick(self, changes: set) -> bool:
        """Show a saved article's new page at once (see the module's docstring); False when the save is not
        one article's text alone, or anything fails: the build that follows shows it then."""
        warm = self._warm
        state = self.snapshot()
        paths = {Path(path) for _, path in changes}
        if warm is None or state.site is None or state.errors or len(paths) != 1 or warm[0].settings.street is not None:
            return False  # (a street's articles are checked by its own rules: the build does those)
        path = paths.pop()
        board, renderer = warm
        old = next((a for a in board.published if a.path.name == path.name and a.path.resolve() == path.resolve()), None)
        if old is None or not path.is_file():
            return False
        started = time.monotonic()
        saves = self._saves
        try:
            article = self._check_again(board, old)
            made = renderer.render_again(article) if article is not None else None
        except Exception:  # never worse than waiting for the build
            if os.environ.get("BOARD_DEBUG"):
                traceback.print_exc()
            return False
        if made is None:
            return False
        with self._lock:
            state = self.state
            pages = {**state.pages, made[0]: (saves, made[1])}
            self.state = replace(state, version=state.version + 1, pages=pages)
        self.say(f"[{beijing(now_shanghai(), 'second')}] 已先更新这一篇（用时 {time.monotonic() - started:.1f} 秒），"
                 "正在重新生成整个预览……")
        return True

    def _check_again(self, board, old):
        """The saved article checked alone, as the last build would see it; None if it has an error
        (the build shows the error page) or changed what other pages and files depend on (its name, type, pictures)."""
        from generator.incremental import ArticleChecker
        from generator.lifecycle import effective_expiry
        from generator.unfinished import template_prompts

        settings = board.settings
        report = Report()
        checker = ArticleChecker(board.cache, settings.content_dir, settings.project_root, settings.public_phones,
                                 template_prompts(settings.templates_dir / "new"), board.files, board.as_of)
        article = checker.check(old.path, report)
        if article is None or not report.ok or (article.slug, article.type, article.assets, article.cover) != (
                old.slug, old.type, old.assets, old.cover):
            return None
        article.expires = effective_expiry(article)
        article.status, article.short_code = old.status, old.short_code
        # MkDocs' log lines about this page are the build's to report: not printed here in English
        logging.getLogger("mkdocs").addHandler(_ThisThreadQuiet())
        return article

    def watch(self, stop: threading.Event) -> None:
        """Rebuild after every change to mkdocs.yml, content/ or templates/ (until `stop` is set): a saved
        article's page at once (quick), the whole site in a thread of its own (builds)."""
        from watchfiles import watch as watch_changes

        builder = threading.Thread(target=self.builds, args=(stop,), daemon=True)
        builder.start()
        either = _Either(stop, self._rewatch)
        while not stop.is_set():
            self._rewatch.clear()
            paths = [str(p) for p in self.watch_paths if p.exists()]
            self._watched = list(self.watch_paths)
            if not paths:  # mkdocs.yml itself is gone: look again in a moment
                stop.wait(1)
                continue
            try:
                for changes in watch_changes(*paths, stop_event=either, debounce=DEBOUNCE_MS, step=WATCH_STEP_MS,
                                             raise_interrupt=False, ignore_permission_denied=True):
                    self._saves += 1
                    self.say(f"[{beijing(now_shanghai(), 'second')}] 文件有改动，正在重新生成预览……")
                    self.quick(changes)
                    self._wanted.set()
            except Exception:  # a watched folder vanished mid-watch: rebuild and watch again, never stop
                stop.wait(1)
                self._wanted.set()
        self._wanted.set()  # the build thread sees `stop`
        builder.join(timeout=3)

    def builds(self, stop: threading.Event) -> None:
        """Build whenever the watcher asks (one build for any number of saves meanwhile), until `stop`."""
        while not stop.is_set():
            if not self._wanted.wait(timeout=1) or stop.is_set():
                continue
            self._wanted.clear()
            self.build()
            if self.watch_paths != getattr(self, "_watched", self.watch_paths):
                self._rewatch.set()  # mkdocs.yml moved content/ or templates/: watch the new folders

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)

    # -- pages ---------------------------------------------------------------------------------
    def error_page(self, state: State) -> bytes:
        return self.env.get_template("error.html").render(
            errors=state.errors, warnings=state.warnings, version=state.version, checked_at=state.checked_at,
        ).encode("utf-8")

    def with_bar(self, html: bytes, state: State, path: str = "") -> bytes:
        """The page as built, with the warnings bar (and why it is not online yet) and the reload script before </body>."""
        snippet = self.env.get_template("bar.html").render(warnings=state.warnings, version=state.version,
                                                            note=state.notes.get(path), wechat=state.wechat.get(path))
        text = html.decode("utf-8", errors="replace")
        at = text.lower().rfind("</body>")
        text = text + snippet if at < 0 else text[:at] + snippet + text[at:]
        return text.encode("utf-8")

    def asset(self, name: str) -> bytes | None:
        path = self.templates_dir / name
        return path.read_bytes() if name in ("preview.js", "preview.css") and path.is_file() else None


class _Either:
    """Set when either event is (watchfiles asks only is_set())."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


class _ThisThreadQuiet(logging.Handler):
    """Swallows the log records of the thread that made it (quick's MkDocs lines; the build reports its own)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        pass

    def __eq__(self, other: object) -> bool:  # one per thread in the logger's list, however often added
        return isinstance(other, _ThisThreadQuiet) and other.thread == self.thread

    __hash__ = logging.Handler.__hash__


def wechat_links(board) -> dict[str, str]:
    """Each article page's 公众号 copy page (generator.wechat), linked from the preview's bar: staff
    copy an article into the official account's editor from the preview."""
    from generator import urls

    return {"/" + a.url: "/" + quote(urls.wechat_path(a.slug)) for a in board.published}


def unpublished_notes(board) -> dict[str, str]:
    """For each draft or scheduled article the preview shows: its page path and a line saying why residents do not see it."""
    notes = {}
    for article in board.articles:
        if article.draft:
            notes["/" + article.url] = ("这篇文章是草稿（draft: true），只在预览里看得到，居民看不到。"
                                        "写好、检查没有错误后，删掉 draft: true 这一行才会发布。")
        elif article.date > board.as_of:
            notes["/" + article.url] = (f"这篇文章定时发布：{beijing(article.date, 'minute')} 以后居民才看得到，"
                                        "现在只在预览里显示。")
    return notes


class _Handler(http.server.BaseHTTPRequestHandler):
    preview: Preview  # set on the subclass made by make_server
    server_version = "board-preview"
    error_message_format = "<!doctype html><html lang=zh-CN><meta charset=utf-8><title>出错</title><p>请求有误（%(code)d）。</p>"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass  # no English access log in the staff's terminal

    def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
        self._respond(head=True)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._respond(head=False)

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name; only the desk takes posts
        if unquote(urlsplit(self.path).path).startswith("/_desk/"):
            self._desk("POST")
        else:
            self._send(405, b"", "text/plain", False, {"Allow": "GET, HEAD"})

    def _desk(self, method: str) -> None:
        """The staff desk (generator/desk/) answers everything under /_desk/."""
        if self.preview.desk is None:
            from generator.desk.app import closed_page
            self._send(404, closed_page(), "text/html; charset=utf-8", method == "HEAD")
        else:
            self.preview.desk.handle(self, method)

    def _send(self, status: int, body: bytes, content_type: str, head: bool, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _respond(self, head: bool) -> None:
        preview = self.preview
        path = unquote(urlsplit(self.path).path)
        if path == "/_desk":
            self._send(301, b"", "text/plain", head, {"Location": "/_desk/"})
            return
        if path.startswith("/_desk/"):
            self._desk("HEAD" if head else "GET")
            return
        state = preview.snapshot()
        if path == "/_board/version":
            self._send(200, f'{{"version": {state.version}, "errors": {len(state.errors)}}}'.encode(),
                       "application/json", head)
            return
        if path.startswith("/_board/"):
            body = preview.asset(path[len("/_board/"):])
            kind = "text/javascript" if path.endswith(".js") else "text/css"
            self._send(200, body, f"{kind}; charset=utf-8", head) if body is not None else \
                self._send(404, b"", "text/plain", head)
            return
        file, redirect = _locate(state.site, path)
        if redirect:
            self._send(301, b"", "text/plain", head, {"Location": quote(redirect)})
            return
        is_page = file is None or file.suffix.lower() in (".html", ".htm")
        if state.errors and is_page:
            self._send(200, preview.error_page(state), "text/html; charset=utf-8", head)
            return
        if file is None:
            missing = state.site / "404.html" if state.site else None
            body = preview.with_bar(missing.read_bytes(), state) if missing and missing.is_file() else \
                preview.with_bar("<!doctype html><html lang=zh-CN><meta charset=utf-8><title>没有这一页</title><p>没有这一页。</p>"
                                 .encode(), state)
            self._send(404, body, "text/html; charset=utf-8", head)
            return
        made = state.pages.get(os.path.relpath(file, state.site.resolve()).replace(os.sep, "/")) if state.pages else None
        try:
            body = made[1] if made is not None else file.read_bytes()
        except OSError:  # replaced by a newer build while we looked: a page of ours, not the browser's (English) error page
            self._send(503, UPDATING, "text/html; charset=utf-8", head, {"Retry-After": "1"})
            return
        if is_page:
            self._send(200, preview.with_bar(body, state, path), "text/html; charset=utf-8", head)
            return
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "application/json", "application/xml"):
            kind += "; charset=utf-8"
        self._send(200, body, kind, head)


def _locate(site: Path | None, path: str) -> tuple[Path | None, str | None]:
    """The file under `site` for the URL path (never outside it), or a redirect adding the final slash."""
    if site is None:
        return None, None
    relative = path.lstrip("/")
    target = (site / relative).resolve()
    root = site.resolve()
    if target != root and root not in target.parents:
        return None, None
    if target.is_dir():
        if not path.endswith("/"):
            return None, path + "/"
        target = target / "index.html"
    return (target, None) if target.is_file() else (None, None)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:
        pass  # a phone leaving mid-download is normal; nothing English for staff


def make_server(preview: Preview, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"preview": preview})
    return _Server((host, port), handler)


def lan_address() -> str | None:
    """This machine's address on the local network, or None if it has none."""
    import socket

    # A UDP "connect" sends nothing: it only asks the system which interface routes outward.
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
    except OSError:
        address = None
    finally:
        probe.close()
    if address and not address.startswith("127.") and address != "0.0.0.0":
        return address
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if not info[4][0].startswith("127."):
                return info[4][0]
    except OSError:
        pass
    return None


def terminal_qr(text: str) -> str:
    """A QR code of `text` in half-block characters for the terminal (a drawn block is a light module)."""
    import io

    from generator.qr import make_qr

    out = io.StringIO()
    make_qr(text).terminal(out=out, compact=True, border=2)
    return out.getvalue()


def parse_address(value: str | None, lan: bool) -> tuple[str, int, bool]:
    """(host, port, port_was_given) from `-a HOST:PORT`, `-a :PORT` or `-a PORT`.

    --lan listens on every interface unless -a names an address itself.
    """
    host, port, given = "127.0.0.1", 8000, False
    named_host = False
    if value:
        text = value.strip().removeprefix("http://").rstrip("/")
        head, sep, tail = text.rpartition(":")
        if not sep:
            head, tail = ("", text) if text.isdigit() else (text, "")
        if tail:
            if not tail.isdigit() or not 0 < int(tail) < 65536:
                raise ValueError(f"端口“{tail}”不对：应是 1 到 65535 之间的数字，例如 -a 127.0.0.1:8000。")
            port, given = int(tail), True
        if head.strip("[]"):
            host, named_host = head.strip("[]"), True
    if lan and not named_host:
        host = "0.0.0.0"
    return host, port, given


def serve(config_file: Path, dev_addr: str | None, as_of: datetime | None, lan: bool = False) -> int:
    """Run the preview until Ctrl+C (or SIGTERM); 0 when stopped, 1 when it could not start."""
    import signal

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    try:
        host, port, given = parse_address(dev_addr, lan)
    except ValueError as exc:
        say(f"board serve：{exc}")
        return 2
    preview = Preview(config_file, as_of, say)
    from generator.desk.app import make_desk

    preview.desk = make_desk(config_file, as_of, lan, say)
    server = None
    for candidate in ([port] if given else range(port, port + 20)):
        try:
            server = make_server(preview, host, candidate)
            break
        except OSError as exc:
            in_use = exc.errno in (98, 48, 10048)
            if given or not in_use:
                why = ("这个端口已经被别的程序（也许是另一个预览窗口）占用" if in_use else
                       "没有权限使用这个端口" if exc.errno in (13, 10013) else "这台电脑上没有这个地址")
                say(f"board serve：没法在 {host}:{candidate} 上启动预览：{why}。"
                    "请换一个端口，例如 board serve -a 127.0.0.1:8001。")
                preview.close()
                return 1
    if server is None:
        say(f"board serve：端口 {port} 到 {port + 19} 都被占用了。请关掉别的预览窗口，或用 -a 指定一个端口。")
        preview.close()
        return 1
    port = server.server_address[1]

    def stop_on_term(signum, frame) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_term)
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), daemon=True)
    try:
        say("正在生成预览……")
        preview.build()
        watcher.start()
        local = f"http://127.0.0.1:{port}/" if host in ("0.0.0.0", "127.0.0.1", "localhost") else f"http://{host}:{port}/"
        say(f"预览地址：{local}  （用浏览器打开；保存文件后页面会自动刷新。按 Ctrl+C 结束预览）")
        if preview.desk is not None:
            say(f"工作台（在网页上写文章、上传图片、发布）：{local}_desk/")
        if lan:
            announce_lan(host, port, say)
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        say("预览已结束。")
    finally:
        stop.set()
        server.server_close()
        if watcher.is_alive():
            watcher.join(timeout=3)
        preview.close()
    return 0


def announce_lan(host: str, port: int, say: Callable[[str], None]) -> None:
    """Print the address a phone on the same network opens, and its QR code."""
    address = lan_address() if host in ("0.0.0.0", "127.0.0.1", "localhost") else host
    if host in ("127.0.0.1", "localhost"):
        say(f"注意：-a 指定了 {host}，现在只有这台电脑能打开预览。要让手机打开，-a 只写端口，例如 board serve --lan -a {port}。")
    if address is None:
        say("这台电脑没有连上局域网（Wi-Fi 或网线），手机没法打开预览。连上以后重新运行 board serve --lan。")
        return
    phone = f"http://{address}:{port}/"
    say(f"手机预览地址：{phone}")
    say("让手机连上和这台电脑同一个 Wi-Fi，用微信或相机扫下面的二维码（或在手机浏览器里输入上面的地址）：")
    say(terminal_qr(phone))
    say("如果手机打不开：请在电脑的防火墙里允许 Python 使用“专用网络”，或请技术人员帮忙。")
