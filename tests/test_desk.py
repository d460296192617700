"""The desk's parts without a browser: the file written back (only changed lines), paths kept inside
content/, pictures cleaned, sessions and the login limit, and review holding unapproved articles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from conftest import AS_OF, copy_project, write_article
from desk_helpers import GPS_IFD, gps_photo
from generator.content import RawArticle, split_front_matter
from generator.desk import auth, store
from generator.desk.frontmatter import form_time, form_values, split_file, wanted_values
from generator.desk.uploads import UploadRefused, save_picture
from generator.messages import Report
from generator.settings import Settings
from generator.timeutil import parse_time

STAFF_FILES = [  # front matter as staff write it: odd spacing, comments, flow mappings, Chinese labels
    "---\ntitle:   关于停水的通知   # 标题\ntype: 通知公告\ndate: 2026-11-20\nauthor: 幸福里社区居民委员会\n"
    "tags: [停水 ,便民]\n# expires: 2026-12-31\nevent: {start: 2026-11-29 08:30, location: 中心花园}\n---\n\n正文。\n",
    "\ufeff---\r\ntitle: \"科普：冬季用电\"\r\ntype: science\r\ndate: 2026-11-18 09:00\r\ntags:\r\n  - 用电\r\n"
    "  - 安全\r\ncategory: safety\r\n---\r\n\r\n正文第一段。\r\n",
    "---\ntype: story\ntitle: 楼道里的那把扫帚\ndate: 2026-11-05\nconsent: true\npinned: false\nposter:\n  size: A3\n---\n正文\n",
]


def form_of(text: str) -> dict[str, list[str]]:
    """The form as the desk fills it from the file (what the browser would send back unchanged)."""
    from generator.desk.frontmatter import read_front

    values = form_values(read_front(split_file(text).front_lines))
    form = {k: [v] for k, v in values.items() if isinstance(v, str)}
    form["tags"] = values["tags"]
    for key in ("pinned", "urgent", "draft", "consent", "share"):
        form[key] = ["1"] if values[key] else []
    return form


@pytest.mark.parametrize("text", STAFF_FILES)
def test_saving_unchanged_form_keeps_the_file_byte_for_byte(text: str) -> None:
    wanted = wanted_values(form_of(text))
    assert store.compose(text, wanted, split_file(text).body) == text


@pytest.mark.parametrize("text", STAFF_FILES)
def test_a_change_touches_only_its_own_lines(text: str) -> None:
    form = form_of(text)
    form["expires"] = ["2026-12-31T18:00"]
    form["title"] = ["新标题：带冒号"]
    written = store.compose(text, wanted_values(form), split_file(text).body)
    old = [l for l in text.replace("\r\n", "\n").split("\n") if not l.lstrip("\ufeff").startswith(("title", "expires"))]
    new = [l for l in written.replace("\r\n", "\n").split("\n") if not l.lstrip("\ufeff").startswith(("title", "expires"))]
    assert old == new
    assert written.startswith("\ufeff") == text.startswith("\ufeff") and ("\r\n" in written) == ("\r\n" in text)
    raw = split_front_matter(RawArticle(Path("x.md"), "x.md", "x.md"), written.lstrip("\ufeff").replace("\r\n", "\n"), Report())
    assert raw.front["title"] == "新标题：带冒号" and parse_time(raw.front["expires"]) == parse_time("2026-12-31 18:00")


def test_form_values_become_contract_values() -> None:
    assert str(form_time("2026-11-20T00:00")) == "2026-11-20"
    assert form_time("2026-11-20T08:30") == "2026-11-20 08:30"
    assert form_time("") is None
    # typed into a text field: the spellings staff often use are taken in the contract's form
    assert str(form_time("2026年11月20日")) == "2026-11-20"
    assert form_time("2026/11/20 8:30") == "2026-11-20 08:30"
    assert form_time("2026.11.20 18:05") == "2026-11-20 18:05"
    assert form_time(" 2026-11-20 08:30 ") == "2026-11-20 08:30"
    for typed in ("2026/2/30", "明天上午", "2026-11-20 25:00", "11/20/2026"):  # kept as typed: the check names the mistake
        assert form_time(typed) == typed
    # and shown back in the same spelling (a date alone at midnight)
    shown = form_values({"date": "2026-11-20", "expires": "2026-12-31 18:00", "event": {"start": "2026-12-05T09:00:00+08:00"}})
    assert (shown["date"], shown["expires"], shown["event_start"]) == ("2026-11-20", "2026-12-31 18:00", "2026-12-05 09:00")
    wanted = wanted_values({"title": [" 标题 "], "tags": ["a", "b", "a"], "share": [], "poster": ["none"],
                            "event_start": ["2026-12-05T09:00"], "event_location": ["活动室"], "draft": ["1"]})
    assert wanted["title"] == "标题" and wanted["tags"] == ["a", "b"] and wanted["share"] is False
    assert wanted["poster"] is False and wanted["draft"] is True and wanted["pinned"] is None
    assert wanted["event"] == {"start": "2026-12-05 09:00", "location": "活动室"}


def test_a_front_matter_that_cannot_be_read_is_written_anew_from_the_form() -> None:
    text = "---\ntitle：全角冒号\ntype: notice\n---\n正文\n"
    form = {"title": ["全角冒号"], "type": ["notice"], "date": ["2026-11-20T09:00"], "author": ["居委会"], "share": ["1"]}
    written = store.compose(text, wanted_values(form), "正文\n")
    raw = split_front_matter(RawArticle(Path("x.md"), "x.md", "x.md"), written, report := Report())
    assert report.ok and raw.front["title"] == "全角冒号" and raw.front["author"] == "居委会"


@pytest.mark.parametrize("bad", ["../mkdocs.yml", "/etc/passwd", "notices/../../x.md", "C:/x.md", "C:\\x.md", "",
                                 "a/./../../b.md", "notices//x.md", "_trash/x.md", ".board/users.json", "x\x00.md"])
def test_paths_outside_content_are_refused(tmp_path: Path, bad: str) -> None:
    settings = Settings.defaults(copy_project(tmp_path / "p", with_content=False))
    with pytest.raises(store.Outside):
        store.inside(settings, bad, article=True)


def test_a_link_out_of_content_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", with_content=False)
    (project / "content" / "out").symlink_to(tmp_path)
    settings = Settings.defaults(project)
    with pytest.raises(store.Outside):
        store.inside(settings, "out/p/mkdocs.yml")
    assert store.inside(settings, "notices/a.md", article=True) == (project / "content" / "notices" / "a.md").resolve()


def test_pictures_are_cleaned_and_named_safely(tmp_path: Path) -> None:
    photo = gps_photo(tmp_path / "src.jpg").read_bytes()
    for name in ("IMG 0001.JPG", "../../../etc/passwd.jpg", "照片：现场<script>.jpeg", "C:\\Users\\a\\b.jpg"):
        saved = save_picture(tmp_path / "notices", name, photo)
        assert saved.parent == tmp_path / "notices" / "images"
        with Image.open(saved) as image:
            assert not image.getexif().get_ifd(GPS_IFD) and not image.getexif() and max(image.size) <= 1600
    for name, data in (("a.svg", b"<svg/>"), ("a.exe", photo), ("a.html", b"<script>"), ("a.jpg", b"not a picture")):
        with pytest.raises(UploadRefused):
            save_picture(tmp_path / "x", name, data)


def test_heic_photos_become_jpeg(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(buffer, format="HEIF")
    saved = save_picture(tmp_path, "IMG_1234.HEIC", buffer.getvalue())
    assert saved.suffix == ".jpg"
    with Image.open(saved) as image:
        assert image.format == "JPEG"


def test_sessions_expire_and_csrf_tokens_are_per_session(monkeypatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: clock[0])
    sessions = auth.Sessions()
    token, session = sessions.start("王芳", "writer")
    other_token, other = sessions.start("李主任", "reviewer")
    assert auth.csrf_ok(session, session.csrf) and not auth.csrf_ok(session, other.csrf) and not auth.csrf_ok(session, "")
    clock[0] += auth.SESSION_IDLE - 1
    assert sessions.get(token) is session
    clock[0] += auth.SESSION_IDLE + 1
    assert sessions.get(token) is None and sessions.get(other_token) is None
    token, _ = sessions.start("王芳", "writer")
    for _ in range(auth.SESSION_MAX // auth.SESSION_IDLE + 1):  # busy all day: still ends after SESSION_MAX
        clock[0] += auth.SESSION_IDLE - 60
        sessions.get(token)
    assert sessions.get(token) is None


def test_login_limit_counts_failures_in_a_window(monkeypatch) -> None:
    clock = [0.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: clock[0])
    limiter = auth.LoginLimiter(limit=3, window=600)
    for _ in range(3):
        assert limiter.blocked("ip:1") == 0
        limiter.failed("ip:1")
    assert limiter.blocked("ip:1") > 0 and limiter.blocked("ip:2") == 0
    clock[0] += 601
    assert limiter.blocked("ip:1") == 0


def test_accounts(tmp_path: Path) -> None:
    assert auth.add_user(tmp_path, "王芳", "writer", "long enough")
    assert not auth.add_user(tmp_path, "王芳", "reviewer", "another one")
    assert auth.verify(tmp_path, "王芳", "another one") == "reviewer"
    assert auth.verify(tmp_path, "王芳", "long enough") is None and auth.verify(tmp_path, "无名", "x") is None
    assert (tmp_path / ".board" / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")
    for name, role, password in (("王 芳", "writer", "long enough"), ("a", "admin", "long enough"), ("a", "writer", "short")):
        with pytest.raises(auth.AccountError):
            auth.add_user(tmp_path, name, role, password)


def _board(project: Path, review: bool):
    from generator.load import load_board

    settings = Settings.defaults(project)
    settings.review = review
    report = Report()
    return load_board(settings, parse_time(AS_OF), report, write_cache=False), report


@pytest.mark.parametrize("extra, published", [("", False), ("approved_by: 李主任\n", True), ("draft: true\n", False)])
def test_with_review_on_only_approved_articles_are_published(tmp_path: Path, extra: str, published: bool) -> None:
    project = copy_project(tmp_path / "p", with_content=False)
    write_article(project, "notices/a.md", f"---\ntitle: 通知\ntype: notice\ndate: 2026-11-20\nauthor: 居委会\n{extra}---\n\n正文。\n")
    board, report = _board(project, review=True)
    assert bool(board.published) is published
    held = [m for m in report.warnings if m.code == "review.not_approved"]
    assert (len(held) == 1) == (extra == "")
    assert held == [] or held[0].path == "content/notices/a.md"
    board, report = _board(project, review=False)
    assert bool(board.published) is (extra != "draft: true\n")


def test_pictures_uploaded_before_the_type_changed_go_with_the_new_article(tmp_path: Path) -> None:
    """The form uploads into the section of the type first chosen (notices/images/); the article is saved in
    the section of the type chosen last. Its pictures move with it (a name taken there is numbered and the
    text follows; one another article also uses is copied), and the board then finds every one."""
    import re
    from urllib.parse import parse_qs, urlencode, urlsplit

    from generator.desk.app import Desk
    from generator.load import load_board
    from test_hostile_front import _Handler

    project = copy_project(tmp_path / "p", with_content=False)
    photo = gps_photo(tmp_path / "src.jpg").read_bytes()
    other = Image.new("RGB", (40, 30), (0, 90, 200))
    (project / "content" / "science" / "images").mkdir(parents=True)
    other.save(project / "content" / "science" / "images" / "现场.jpg")  # the same name, another picture
    write_article(project, "notices/旧通知.md", "---\ntitle: 旧\ntype: notice\nauthor: 居委会\ndate: 2026-11-01\n---\n\n"
                                                  "![共用](images/共用.jpg)\n")
    desk = Desk(project / "mkdocs.yml", parse_time(AS_OF), False, lambda _: None, local_name="测试")
    cookie: list[str] = []

    def request(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, str, dict]:
        handler = _Handler(path, body, cookie[0] if cookie else None)
        for key, value in (headers or {}).items():
            del handler.headers[key]
            handler.headers[key] = value
        desk.handle(handler, method)
        if "Set-Cookie" in handler.sent:
            cookie[:] = [handler.sent["Set-Cookie"].split(";")[0]]
        return handler.status, handler.wfile.getvalue().decode("utf-8"), handler.sent

    page = request("GET", "/_desk/new?type=notice")[1]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    folder = re.search(r'name="folder" value="([^"]+)"', page).group(1)
    assert folder == "notices"
    uploaded = {}
    for name in ("现场.jpg", "共用.jpg", "封面.jpg"):
        status, answer, _ = request("POST", f"/_desk/upload?folder={folder}", photo,
                                    {"Content-Type": "application/octet-stream", "X-CSRF-Token": csrf, "X-File-Name": name})
        assert status == 200, answer
        uploaded[name] = (project / "content" / folder / json_path(answer)).read_bytes()
    body = "现场照片：\n\n![现场](images/现场.jpg)\n\n![共用](images/共用.jpg)\n"
    form = {"csrf": csrf, "path": "", "folder": folder, "title": "防火知识", "type": "science", "date": "2026-11-20",
            "cover": "images/封面.jpg", "body": body, "action": "save"}
    checked = request("POST", "/_desk/check", urlencode(form).encode())[1]
    assert "找不到" not in checked  # the live check finds them where they are now
    status, _, sent = request("POST", "/_desk/save", urlencode(form).encode())
    assert status == 303
    saved = project / "content" / parse_qs(urlsplit(sent["Location"]).query)["path"][0]
    assert saved.parent.name == "science" and saved.is_file()
    text = saved.read_text(encoding="utf-8")
    assert "](images/现场-2.jpg)" in text and "](images/共用.jpg)" in text and "cover: images/封面.jpg" in text
    science, notices = project / "content" / "science" / "images", project / "content" / "notices" / "images"
    assert (science / "现场-2.jpg").read_bytes() == uploaded["现场.jpg"]
    assert (science / "封面.jpg").read_bytes() == uploaded["封面.jpg"]
    assert (science / "共用.jpg").read_bytes() == uploaded["共用.jpg"]
    with Image.open(science / "现场.jpg") as kept:
        assert kept.getpixel((5, 5))[2] > 150  # the picture already there is untouched
    assert not (notices / "现场.jpg").exists() and not (notices / "封面.jpg").exists()
    assert (notices / "共用.jpg").exists()  # 旧通知 still shows it
    report = Report()
    settings = Settings.defaults(project)
    board = load_board(settings, parse_time(AS_OF), report)
    assert not report.errors, [(m.path, m.line, m.code) for m in report.messages]
    assert {Path(a.source).name for a in board.articles} == {saved.name, "旧通知.md"}


def json_path(answer: str) -> str:
    import json

    return json.loads(answer)["path"]
