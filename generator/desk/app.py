"""The desk's pages and requests at `/_desk/` of `board serve`: list, new, edit, check, upload,
publish, delete, history; login when the preview is open to the local network (`--lan`).

The preview server (generator/preview.py) hands every request under /_desk/ to `Desk.handle`.
Every page is rendered with autoescaping and sent with a Content-Security-Policy that allows no
inline script, so nothing written in an article can run in the desk.
"""

from __future__ import annotations

import getpass
import json
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http import cookies
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import jinja2

from generator.desk import auth, history, store
from generator.desk.frontmatter import ORDER, form_values, read_front, split_file, wanted_values
from generator.desk.uploads import MAX_UPLOAD_BYTES, UploadRefused, save_picture
from generator.messages import Report
from generator.model import CATEGORIES, PICTURE_FORMATS, TYPES
from generator.publish.files import TYPES as CONTENT_TYPES
from generator.timeutil import beijing, now_shanghai

PREFIX = "/_desk"
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "desk"
STATIC = {"desk.css": "text/css; charset=utf-8", "desk.js": "text/javascript; charset=utf-8"}
PICTURE_TYPES = {suffix: CONTENT_TYPES[suffix] for suffix in PICTURE_FORMATS}  # the one suffix table, the deploy mime table
MAX_FORM_BYTES = 4 * 1024 * 1024  # an article is at most 2 MB; the form adds little
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
COOKIE = "board_desk"
STATUS_FILTERS = {"draft": "草稿", "scheduled": "定时发布", "current": "在期", "expired": "已过期",
                  "pending": "待审核", "broken": "有错误"}
FIELD_LABELS = {"title": "标题", "type": "类型", "date": "发布时间", "expires": "过期时间", "author": "落款单位",
                "category": "栏目", "tags": "标签", "summary": "摘要", "cover": "封面图片", "pinned": "置顶",
                "urgent": "紧急", "draft": "草稿", "consent": "本人同意", "share": "微信分享图", "slug": "网址名",
                "event_start": "活动开始", "poster": "海报", "body": "正文", "general": "其他"}


@dataclass
class Request:
    method: str
    path: str  # under /_desk, without the prefix ("/", "/edit", ...)
    query: dict[str, list[str]]
    headers: Any
    client: str
    body: bytes = b""
    form: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class Desk:
    """One desk per `board serve`. `lan`: accounts and login are required."""

    def __init__(self, config_file: Path, as_of: datetime | None, lan: bool, say: Callable[[str], None],
                 local_name: str | None = None) -> None:
        self.config_file = config_file
        self.root = config_file.parent
        self.as_of = as_of
        self.lan = lan
        self.say = say
        self.sessions = auth.Sessions()
        self.limiter = auth.LoginLimiter()
        self.local_name = local_name or _local_name(self.root)
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
        self.publishing: dict[str, str] = {}  # the last publish: state, when, output
        self._publish_lock = threading.Lock()
        self._write_lock = threading.Lock()

    # -- the request -------------------------------------------------------------------------
    def handle(self, handler, method: str) -> None:
        """Answer one request of the preview's handler (BaseHTTPRequestHandler) under /_desk/."""
        split = urlsplit(handler.path)
        path = unquote(split.path)[len(PREFIX):] or "/"
        request = Request(method, path, parse_qs(split.query, keep_blank_values=True), handler.headers,
                          handler.client_address[0])
        try:
            response = self._route(request, handler)
        except store.Outside:
            response = self._message(403, "这个文件不在 content 文件夹里，工作台不能打开它。")
        except Exception as exc:  # a bug of ours: a Chinese page, never a traceback
            import os
            import traceback
            if os.environ.get("BOARD_DEBUG"):
                traceback.print_exc()
            response = self._message(500, f"工作台内部出错（{type(exc).__name__}）。文件没有改动；请把这句话发给技术人员。")
        # same-origin, not no-referrer: with no-referrer the browser sends Origin: null on the desk's own forms
        headers = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                   "X-Frame-Options": "DENY", "Cache-Control": "no-store", **response.headers}
        handler.send_response(response.status)
        handler.send_header("Content-Type", response.content_type)
        handler.send_header("Content-Length", str(len(response.body)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        if method != "HEAD":
            handler.wfile.write(response.body)

    def _route(self, request: Request, handler) -> Response:
        if request.path.startswith("/static/"):
            name = request.path[len("/static/"):]
            if name in STATIC:
                return Response(200, (TEMPLATES / name).read_bytes(), STATIC[name])
            return Response(404, b"", "text/plain")
        if not self.lan and not _local_host(request.headers.get("Host", ""), handler):
            # a web page elsewhere may make the browser call 127.0.0.1 under its own name (DNS rebinding)
            return self._message(403, "请用 http://127.0.0.1 打开工作台。")
        if request.method == "POST":
            length = int(request.headers.get("Content-Length") or 0)
            limit = MAX_UPLOAD_BYTES + 1024 if request.path == "/upload" else MAX_FORM_BYTES
            if length > limit:
                return self._message(413, f"提交的内容太大（最多 {limit // 1024 // 1024} MB）。")
            request.body = handler.rfile.read(length) if length else b""
            if (request.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
                request.form = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
        token = _cookie(request.headers.get("Cookie"))
        session = self.sessions.get(token)
        set_cookie: dict[str, str] = {}
        if session is None and not self.lan:
            token, session = self.sessions.start(self.local_name, "reviewer")  # the person at this computer
            set_cookie = {"Set-Cookie": _cookie_header(token)}
        if request.method == "POST" and not _same_origin(request.headers):
            # the login form has no session to hold a token yet; a browser names the page a POST came from
            return self._message(403, "这个表单不是从工作台提交的。请回到工作台重新打开这一页再提交。")
        if request.path == "/login":
            return self._login(request, session)
        if session is None:
            if request.method == "POST":
                return self._message(403, "请先登录。", status_only=False)
            return Response(303, headers={"Location": f"{PREFIX}/login"})
        if request.method == "POST":
            given = (request.form.get("csrf") or [""])[-1] or request.headers.get("X-CSRF-Token")
            if not auth.csrf_ok(session, given):
                return self._message(403, "这个表单已经过期或不是从工作台提交的（缺少安全码）。请回到工作台重新打开这一页再提交。")
        routes = {("GET", "/"): self._list, ("GET", "/new"): self._new, ("GET", "/edit"): self._edit,
                  ("POST", "/check"): self._check, ("POST", "/save"): self._save, ("POST", "/delete"): self._delete,
                  ("GET", "/history"): self._history, ("POST", "/restore"): self._restore,
                  ("POST", "/upload"): self._upload, ("POST", "/logout"): self._logout}
        method = "GET" if request.method == "HEAD" else request.method
        if request.path.startswith("/file/") and method == "GET":
            response = self._file(request)
        elif (method, request.path) in routes:
            response = routes[(method, request.path)](request, session)
        else:
            response = self._message(404, "工作台里没有这一页。")
        response.headers.update(set_cookie)
        return response

    # -- pages -------------------------------------------------------------------------------
    def _settings(self):
        from generator.settings import load_settings

        report = Report()
        settings = load_settings(self.config_file, report)
        return settings, report

    def _page(self, name: str, session: auth.Session | None, status: int = 200, **values) -> Response:
        html = self.env.get_template(name).render(
            session=session, lan=self.lan, prefix=PREFIX, types=TYPES, categories=CATEGORIES, roles=auth.ROLES,
            status_filters=STATUS_FILTERS, **values)
        return Response(status, html.encode("utf-8"))

    def _message(self, status: int, text: str, status_only: bool = False) -> Response:
        return self._page("message.html", None, status, text=text)

    def _list(self, request: Request, session: auth.Session) -> Response:
        settings, report = self._settings()
        if settings is None:
            return self._page("message.html", session, 200, text="站点设置 mkdocs.yml 有错误，工作台打不开：",
                              messages=report.sorted())
        rows, others = store.list_articles(settings, self.as_of or now_shanghai())
        status = _one(request.query, "status")
        kind = _one(request.query, "type")
        shown = [r for r in rows if (not status or r.status == status) and (not kind or r.type == kind)]
        return self._page("list.html", session, rows=shown, total=len(rows), others=others, chosen=status, kind=kind,
                          review=settings.review, publishing=self.publishing, notice=_one(request.query, "notice"))

    def _new(self, request: Request, session: auth.Session) -> Response:
        settings, _ = self._settings()
        kind = _one(request.query, "type")
        kind = kind if kind in TYPES else "notice"
        values = form_values({"type": kind, "date": beijing(now_shanghai(), "day"), "draft": True,
                              "author": settings.committee if settings is not None and kind == "notice" else None})
        folder = TYPES[kind].section
        return self._form(session, settings, values, "", "", folder)

    def _edit(self, request: Request, session: auth.Session) -> Response:
        settings, _ = self._settings()
        src_uri = _one(request.query, "path")
        path = store.inside(settings, src_uri, article=True)
        if not path.is_file():
            return self._message(404, "找不到这篇文章（可能已被删除或改名）。")
        parts = split_file(store.read_text(path))
        front = read_front(parts.front_lines) or {}
        values = form_values(front)
        folder = str(Path(src_uri).parent.as_posix())
        return self._form(session, settings, values, parts.body, src_uri, folder,
                          saved=_one(request.query, "notice"), base=_digest(path.read_bytes()))

    def _form(self, session, settings, values, body, src_uri, folder, saved: str = "", problems=None,
              base: str = "") -> Response:
        review = bool(settings is not None and settings.review)
        can_publish = not review or session.role == "reviewer"
        deploy = bool(settings is not None and settings.deploy)
        return self._page("edit.html", session, values=values, body=body, src_uri=src_uri, folder=folder,
                          review=review, can_publish=can_publish, deploy=deploy, notice=saved, base=base,
                          problems=problems or [], labels=FIELD_LABELS,
                          repo=settings is not None and history.repository(settings.project_root) is not None)

    def _check(self, request: Request, session: auth.Session) -> Response:
        settings, _ = self._settings()
        if settings is None:
            return _json({"fields": {}, "html": ""})
        src_uri, text = self._compose(request, settings, session, for_check=True)
        folder = _one(request.form, "folder")
        if not _one(request.form, "path") and folder:  # a new article: its pictures are still where they were uploaded
            src_uri = f"{folder}/{Path(src_uri).name}"  # (and go with it on save: store.bring_pictures)
        checked = store.check_text(settings, src_uri, text, self.as_of or now_shanghai())
        return _json({"fields": checked.fields, "html": checked.html})

    def _compose(self, request: Request, settings, session, for_check: bool = False,
                 action: str = "save") -> tuple[str, str]:
        """(content-relative path, file text) the form asks for."""
        form = dict(request.form)
        typed = _one(form, "tags_text")
        if typed:
            import re
            form["tags"] = list(form.get("tags", [])) + [t for t in re.split(r"[,，、;；\s]+", typed) if t]
        wanted = wanted_values(form)
        src_uri = _one(form, "path")
        old_text = None
        if src_uri:
            path = store.inside(settings, src_uri, article=True)
            old_text = store.read_text(path) if path.is_file() else None
            old_front = (read_front(split_file(old_text).front_lines) or {}) if old_text is not None else {}
        else:
            folder = _one(form, "folder") or TYPES.get(wanted.get("type") or "", TYPES["notice"]).section
            store.inside(settings, folder)
            src_uri = store.new_path(settings, wanted.get("type") or "notice", wanted.get("title") or "", wanted.get("date"))
            old_front = {}
        reviewing = action == "publish" and settings.review
        kept_editor = old_front.get("editor") if isinstance(old_front.get("editor"), str) else None
        wanted["editor"] = kept_editor if reviewing and kept_editor else session.user  # who wrote it, not who approved
        wanted["approved_by"] = old_front.get("approved_by") if isinstance(old_front.get("approved_by"), str) else None
        if settings.review and session.role != "reviewer":
            wanted["approved_by"] = None  # changed by a writer: it must be approved again
        if action in ("publish", "submit"):
            wanted["draft"] = False if "draft" in old_front or old_text is None else None
            if action == "publish" and settings.review:
                wanted["approved_by"] = session.user
        body = _one(form, "body", strip=False)
        return src_uri, store.compose(old_text, wanted, body)

    def _save(self, request: Request, session: auth.Session) -> Response:
        settings, _ = self._settings()
        action = _one(request.form, "action") or "save"
        if action not in ("save", "publish", "submit"):
            action = "save"
        if action == "publish" and settings.review and session.role != "reviewer":
            return self._message(403, "打开了发布前审核：只有审核人可以发布。请点“提交审核”，由审核人审核后发布。")
        if action == "submit" and not settings.review:
            action = "publish"
        is_new = not _one(request.form, "path")
        with self._write_lock:
            src_uri, text = self._compose(request, settings, session, action=action)
            path = store.inside(settings, src_uri, article=True)
            if is_new and path.exists():
                return self._message(409, "同名的文章已经存在，没有覆盖。请换一个标题。")
            base = _one(request.form, "base")
            if not is_new and base and path.is_file() and _digest(path.read_bytes()) != base:
                # someone (another desk, or Notepad) saved the file after this form was opened: never overwrite that
                return self._message(409, "这篇文章在你编辑的时候被别人（或用记事本）改过了，为了不覆盖别人的修改，这次没有保存。"
                                          "请先把你改的内容复制下来，再重新打开这篇文章修改。")
            renames, moved = {}, []
            if is_new:  # pictures uploaded before the type (and so the section) was changed go with the article
                renames, moved = store.bring_pictures(settings, _one(request.form, "folder") or str(Path(src_uri).parent),
                                                      src_uri, text)
                text = store.renamed(text, renames)
            checked = store.check_text(settings, src_uri, text, self.as_of or now_shanghai())
            errors = [m for messages in checked.fields.values() for m in messages if m["level"] == "错误"]
            if action != "save" and errors:
                # never publish an article the build would refuse: save it as it was meant, say why
                _, text = self._compose(request, settings, session, action="save")
                text = store.renamed(text, renames)
            store.write_atomic(path, text)
        title = _title(text) or path.stem
        verb = {"save": "新建" if is_new else "修改", "publish": "审核通过" if settings.review else "发布",
                "submit": "提交审核"}[action]
        notice = "saved"
        if action != "save" and errors:
            notice, verb = "not_published", ("新建" if is_new else "修改")
        top = history.repository(settings.project_root)
        if top is not None:
            history.commit(top, [path, *moved], session.user, f"{verb}：{title}")
        if action == "publish" and notice == "saved":
            notice = "published"
            if settings.deploy:
                self._publish_in_background()
                notice = "publishing"
        elif action == "submit" and notice == "saved":
            notice = "submitted"
        return Response(303, headers={"Location": f"{PREFIX}/edit?" + urlencode({"path": src_uri, "notice": notice})})

    def _publish_in_background(self) -> None:
        """Run `board publish` (build, then every deploy target) without holding up the desk."""
        def run() -> None:
            with self._publish_lock:
                self.publishing = {"state": "running", "when": beijing(now_shanghai(), "second"), "output": ""}
                try:
                    done = subprocess.run([sys.executable, "-m", "generator", "-f", str(self.config_file), "publish"],
                                          capture_output=True, timeout=3600, cwd=str(self.root))
                    output = (done.stdout + done.stderr).decode("utf-8", "replace")
                    state = "ok" if done.returncode == 0 else "failed"
                except (OSError, subprocess.SubprocessError) as exc:
                    output, state = str(exc), "failed"
                self.publishing = {"state": state, "when": beijing(now_shanghai(), "second"), "output": output[-4000:]}
                self.say(f"[{self.publishing['when']}] 工作台发布{'完成' if state == 'ok' else '失败（见工作台）'}。")
        threading.Thread(target=run, daemon=True).start()

    def _delete(self, request: Request, session: auth.Session) -> Response:
        settings, _ = self._settings()
        src_uri = _one(request.form, "path")
        path = store.inside(settings, src_uri, article=True)
        if not path.is_file():
            return self._message(404, "找不到这篇文章。")
        title = _title(store.read_text(path)) or path.stem
        with self._write_lock:
            moved = store.trash(settings, src_uri)
        top = history.repository(settings.project_root)
        if top is not None:
            history.commit(top, [path, settings.content_dir / moved], session.user, f"删除：{title}")
        return Response(303, headers={"Location": f"{PREFIX}/?" + urlencode({"notice": "deleted"})})

    def _history(self, request: Request, session: auth.Session) -> Response:
        settings, _ = self._settings()
        src_uri = _one(request.query, "path")
        path = store.inside(settings, src_uri, article=True)
        top = history.repository(settings.project_root)
        found = history.versions(top, path) if top is not None else []
        return self._page("history.html", session, src_uri=src_uri, versions=found, repo=top is not None,
                          title=_title(store.read_text(path)) if path.is_file() else src_uri)

    def _restore(self, request: Request, session: auth.Session) -> Response:
        settings, _ = self._settings()
        src_uri = _one(request.form, "path")
        path = store.inside(settings, src_uri, article=True)
        top = history.repository(settings.project_root)
        data = history.text_at(top, _one(request.form, "commit"), path) if top is not None else None
        if data is None:
            return self._message(404, "找不到这个版本。")
        with self._write_lock:
            store.write_atomic(path, data.decode("utf-8", "replace"))
        title = _title(data.decode("utf-8", "replace")) or path.stem
        history.commit(top, [path], session.user, f"恢复：{title}（恢复到以前的版本）")
        return Response(303, headers={"Location": f"{PREFIX}/edit?" + urlencode({"path": src_uri, "notice": "restored"})})

    def _upload(self, request: Request, session: auth.Session) -> Response:
        settings, _ = self._settings()
        folder = store.inside(settings, _one(request.query, "folder"))
        if any(part.startswith(("_", ".")) for part in Path(_one(request.query, "folder")).parts):
            raise store.Outside(_one(request.query, "folder"))
        name = unquote(request.headers.get("X-File-Name") or "")
        try:
            saved = save_picture(folder, name, request.body)
        except UploadRefused as refused:
            return _json({"error": str(refused)}, 400)
        top = history.repository(settings.project_root)
        if top is not None:
            history.commit(top, [saved], session.user, f"上传图片：{saved.name}")
        return _json({"path": saved.relative_to(folder).as_posix()})

    def _file(self, request: Request) -> Response:
        settings, _ = self._settings()
        relative = request.path[len("/file/"):]
        path = store.inside(settings, relative)
        kind = PICTURE_TYPES.get(path.suffix.lower())
        if kind is None or not path.is_file():
            return Response(404, b"", "text/plain")
        return Response(200, path.read_bytes(), kind, {"Content-Security-Policy": "sandbox; default-src 'none'"})

    # -- login -------------------------------------------------------------------------------
    def _login(self, request: Request, session: auth.Session | None) -> Response:
        if request.method != "POST":
            return self._page("login.html", None, error="")
        name = _one(request.form, "name")
        password = _one(request.form, "password", strip=False)
        if not name or not password:  # said here, not by the browser (its own bubble speaks its own language)
            return self._page("login.html", None, 400, error="请填写用户名和密码。")
        keys = (f"ip:{request.client}", f"name:{name}")
        wait = self.limiter.blocked(*keys)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            return self._page("login.html", None, 429, error=f"密码错误次数太多，请 {minutes} 分钟后再试。")
        role = auth.verify(self.root, name, password)
        if role is None:
            self.limiter.failed(*keys)
            return self._page("login.html", None, 401, error="用户名或密码不对。")
        self.limiter.succeeded(*keys)
        token, _ = self.sessions.start(name, role)
        return Response(303, headers={"Location": f"{PREFIX}/", "Set-Cookie": _cookie_header(token)})

    def _logout(self, request: Request, session: auth.Session) -> Response:
        self.sessions.end(_cookie(request.headers.get("Cookie")))
        return Response(303, headers={"Location": f"{PREFIX}/login" if self.lan else f"{PREFIX}/",
                                      "Set-Cookie": f"{COOKIE}=; Path={PREFIX}/; Max-Age=0; HttpOnly; SameSite=Strict"})


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _one(values: dict[str, list[str]], name: str, strip: bool = True) -> str:
    got = (values.get(name) or [""])[-1]
    return got.strip() if strip else got


def _json(data: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")


def _same_origin(headers) -> bool:
    """False when a browser says the POST comes from another site (its Origin names another host); tools
    that send no Origin pass, as the CSRF token still guards every form but the login."""
    origin = headers.get("Origin")
    if origin is None:
        return True
    return origin != "null" and urlsplit(origin).netloc.lower() == (headers.get("Host") or "").lower()


def _cookie(header: str | None) -> str | None:
    if not header:
        return None
    jar = cookies.SimpleCookie()
    try:
        jar.load(header)
    except cookies.CookieError:
        return None
    return jar[COOKIE].value if COOKIE in jar else None


def _cookie_header(token: str) -> str:
    return f"{COOKIE}={token}; Path={PREFIX}/; HttpOnly; SameSite=Strict; Max-Age={auth.SESSION_MAX}"


def _local_host(host: str, handler) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name.strip("[]") in ("127.0.0.1", "localhost", "::1", "")


def _title(text: str) -> str:
    front = read_front(split_file(text).front_lines) or {}
    title = front.get("title")
    return str(title).strip() if title is not None else ""


def _local_name(root: Path) -> str:
    """Who is at this computer: git's user.name, else the login name (commits made from 127.0.0.1 name them)."""
    try:
        done = subprocess.run(["git", "-C", str(root), "config", "user.name"], capture_output=True, timeout=10)
        name = done.stdout.decode("utf-8", "replace").strip()
        if done.returncode == 0 and name:
            return name
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on this system
        return "工作人员"


def closed_page() -> bytes:
    """What /_desk/ shows when `--lan` runs without any account."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    return env.get_template("message.html").render(
        prefix=PREFIX, session=None, text="工作台没有开启：还没有工作台账号。请在运行 board serve 的电脑上添加账号，"
        "例如 board user add 王芳 --role writer（审核人用 --role reviewer），再重新运行 board serve --lan。").encode("utf-8")


def make_desk(config_file: Path, as_of: datetime | None, lan: bool, say: Callable[[str], None]) -> Desk | None:
    """The desk for `board serve`; None with --lan when no account exists (the preview then runs without it)."""
    if lan and not auth.load_accounts(config_file.parent):
        say("工作台（/_desk/）没有开启：手机和别的电脑能打开预览，但还没有工作台账号。"
            "要在局域网里用工作台，请先添加账号，例如：board user add 王芳 --role writer"
            "（审核人用 --role reviewer），再重新运行 board serve --lan。")
        return None
    return Desk(config_file, as_of, lan, say)


__all__ = ["Desk", "make_desk", "PREFIX", "ORDER", "quote"]
