"""The desk with `board serve --lan`: accounts, login with a limit on failures, CSRF tokens, paths kept
inside content/, and review (a writer submits, only a reviewer publishes). Over real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest

from conftest import AS_OF
from browser import require_browser, run_axe
from desk_helpers import add_user, desk_serve, git, git_project

pytest_plugins = ["browser"]

PASSWORD = {"王芳": "writer-pass-123", "李主任": "reviewer-pass-456"}


class Client:
    """One browser: a cookie jar of one cookie, no redirects followed (the tests look at each answer)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.cookie = ""

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            sent = {"Cookie": self.cookie} if self.cookie else {}
            sent.update(headers or {})
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            got = {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()
        if "set-cookie" in got:
            self.cookie = got["set-cookie"].split(";")[0]
        return response.status, got, text

    def get(self, path: str) -> tuple[int, dict, str]:
        return self.request("GET", quote(path, safe="/?=&%"))

    def post(self, path: str, fields: dict | list) -> tuple[int, dict, str]:
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def csrf(self, page: str = "/_desk/") -> str:
        status, _, html = self.get(page)
        assert status == 200, html
        return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)

    def login(self, name: str, password: str) -> int:
        return self.post("/_desk/login", {"name": name, "password": password})[0]


def turn_review_on(project: Path) -> None:
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("      community: 幸福里社区\n", "      community: 幸福里社区\n      review: true\n", 1),
                      encoding="utf-8")


@pytest.fixture(scope="module")
def lan(tmp_path_factory):
    project = git_project(tmp_path_factory.mktemp("lan") / "p")
    turn_review_on(project)
    for name, role in (("王芳", "writer"), ("李主任", "reviewer")):
        add_user(project, name, role, PASSWORD[name])
    with desk_serve(project, "--lan") as served:
        yield project, served


def test_without_accounts_lan_serves_the_preview_only_and_says_how_to_add_one(tmp_path: Path) -> None:
    project = git_project(tmp_path / "p")
    with desk_serve(project, "--lan") as served:
        client = Client(served.url)
        status, _, html = client.get("/_desk/")
        assert status == 404 and "board user add" in html
        assert client.post("/_desk/save", {"title": "x"})[0] == 404
        assert client.get("/")[0] == 200  # the preview itself
        assert "board user add" in served.output
        assert "工作台（在网页上写文章" not in served.output


def test_accounts_are_hashed_and_never_committed(lan) -> None:
    project, _ = lan
    stored = (project / ".board" / "users.json").read_text(encoding="utf-8")
    assert "$argon2" in stored and all(p not in stored for p in PASSWORD.values())
    git(project, "add", "-A")
    assert ".board" not in git(project, "status", "--porcelain")
    listed = subprocess.run([sys.executable, "-m", "generator", "user", "list"], cwd=project, capture_output=True,
                            text=True, timeout=60).stdout
    assert "王芳（撰稿人）" in listed and "李主任（审核人）" in listed


def test_login_page_is_accessible_and_logs_in(lan, browser, axe_js) -> None:
    """Runs before the login limit test below, which locks 127.0.0.1 out for the rest of this module's server."""
    from browser import Recorder, new_context

    _, served = lan
    context = new_context(browser, {"width": 390, "height": 844}, Recorder())
    context.add_init_script(axe_js)  # the desk's CSP refuses injected inline scripts
    page = context.new_page()
    page.goto(served.url + "_desk/")
    assert page.url.endswith("/_desk/login")
    assert run_axe(page, axe_js) == []
    page.get_by_role("button", name="登录").click()  # nothing filled in: the page says so in Chinese, not the browser
    assert page.locator("#login-error").inner_text() == "请填写用户名和密码。"
    page.get_by_label("用户名").fill("王芳")
    page.get_by_label("密码").fill(PASSWORD["王芳"])
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector(".articles")
    assert "王芳（撰稿人）" in page.locator(".who").inner_text()
    assert run_axe(page, axe_js) == []
    page.goto(served.url + "_desk/new?type=story")
    assert page.get_by_role("button", name="提交审核").count() == 1 and page.get_by_role("button", name="发布").count() == 0
    context.close()


def test_publish_runs_the_publisher_when_a_deploy_target_is_set(tmp_path: Path) -> None:
    import time

    project = git_project(tmp_path / "p")
    www = tmp_path / "www" / "site"
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      community: 幸福里社区\n",
        f"      community: 幸福里社区\n      posters: false\n      deploy:\n        - name: 本机\n          type: folder\n"
        f"          path: {www.as_posix()}\n", 1), encoding="utf-8")
    with desk_serve(project) as served:
        client = Client(served.url)
        token = client.csrf()
        form = {"title": "社区食堂开业啦", "type": "notice", "date": "2026-11-25T09:00", "author": "幸福里社区居民委员会",
                "body": "社区长者食堂十二月一日开业。", "share": "1", "folder": "notices", "draft": "1",
                "action": "publish", "csrf": token}
        status, headers, _ = client.post("/_desk/save", form)
        assert status == 303 and "notice=publishing" in headers["location"]
        [path] = list((project / "content" / "notices").glob("*食堂*"))
        assert "draft: false" in path.read_text(encoding="utf-8")  # 发布 saves with draft: false
        deadline = time.monotonic() + 240
        page = ""
        while time.monotonic() < deadline and "发布成功" not in page and "发布失败" not in page:
            time.sleep(2)
            page = client.get("/_desk/")[2]
        assert "发布成功" in page, page
        pages = [p for p in www.rglob("index.html") if "社区食堂开业啦" in p.read_text(encoding="utf-8")]
        assert pages, "the published site has the new article"


def test_a_form_posted_from_another_site_is_refused(lan) -> None:
    """Login has no session to hold a CSRF token yet: a page elsewhere that posts the login form (to log a
    staff member's browser in as the attacker) or any other form is refused by the Origin the browser sends."""
    _, served = lan
    client = Client(served.url)
    host = served.url.split("//", 1)[1].split("/", 1)[0]
    for origin in ("http://evil.example", "null", f"http://{host}.evil.example"):
        status, _, html = client.request("POST", "/_desk/login", urlencode({"name": "王芳", "password": PASSWORD["王芳"]}).encode(),
                                         {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin})
        assert status == 403 and "不是从工作台提交的" in html, origin
    assert client.get("/_desk/")[0] == 303  # not logged in by any of them
    status, _, _ = client.request("POST", "/_desk/login", urlencode({"name": "王芳", "password": PASSWORD["王芳"]}).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{host}"})
    assert status == 303 and client.get("/_desk/")[0] == 200  # the desk's own login page posts from its own origin


def test_login_refuses_wrong_passwords_and_then_limits_tries(lan) -> None:
    _, served = lan
    client = Client(served.url)
    status, headers, _ = client.get("/_desk/")
    assert status == 303 and headers["location"] == "/_desk/login"
    assert client.get("/_desk/edit?path=notices/2026-11-20-冬季大扫除.md")[0] == 303
    assert client.login("李主任", "") == 400 and client.login("", "x") == 400  # said, and not counted as a try
    for _ in range(5):
        assert client.login("李主任", "wrong password") == 401
    assert client.login("李主任", PASSWORD["李主任"]) == 429  # the right password, too soon after
    assert client.get("/_desk/")[0] == 303  # still not logged in
    other = Client(served.url)
    assert other.login("王芳", PASSWORD["王芳"]) == 429  # another name from the same address is limited with it


def test_writer_submits_for_review_and_only_a_reviewer_publishes(tmp_path: Path) -> None:
    from generator.load import load_board
    from generator.messages import Report
    from generator.settings import load_settings
    from generator.timeutil import parse_time

    project = git_project(tmp_path / "p")
    turn_review_on(project)
    for name, role in (("王芳", "writer"), ("李主任", "reviewer")):
        add_user(project, name, role, PASSWORD[name])
    with desk_serve(project, "--lan") as served:
        writer = Client(served.url)
        assert writer.login("王芳", PASSWORD["王芳"]) == 303
        token = writer.csrf()
        form = {"title": "关于更换门禁卡的通知", "type": "notice", "date": "2026-11-25T09:00",
                "author": "幸福里社区居民委员会", "body": "请带身份证到物业服务中心更换门禁卡。", "share": "1", "folder": "notices"}
        # no token, a wrong token: refused, nothing written
        assert writer.post("/_desk/save", {**form, "action": "save"})[0] == 403
        assert writer.post("/_desk/save", {**form, "action": "save", "csrf": "forged"})[0] == 403
        assert not list((project / "content" / "notices").glob("*门禁卡*"))
        # the check endpoint too
        assert writer.post("/_desk/check", form)[0] == 403
        # paths outside content/ in any request
        for bad in ("../mkdocs.yml", "..%2Fmkdocs.yml", "/etc/passwd", "notices/../../mkdocs.yml", "C:/Windows/win.ini",
                    "_trash/x.md", ".board/users.json"):
            assert writer.get(f"/_desk/edit?path={bad}")[0] == 403, bad
            assert writer.get(f"/_desk/history?path={bad}")[0] == 403, bad
            assert writer.post("/_desk/delete", {"path": bad, "csrf": token})[0] == 403, bad
            assert writer.post("/_desk/restore", {"path": bad, "commit": "HEAD", "csrf": token})[0] == 403, bad
        assert writer.get("/_desk/file/../mkdocs.yml")[0] in (403, 404)
        assert writer.get("/_desk/file/..%2F.board%2Fusers.json")[0] == 403
        assert writer.request("POST", "/_desk/upload?folder=..", b"x", {"X-CSRF-Token": token, "X-File-Name": "a.jpg"})[0] == 403
        assert writer.post("/_desk/save", {**form, "path": "../evil.md", "action": "save", "csrf": token})[0] == 403
        assert writer.post("/_desk/save", {**form, "folder": "../..", "action": "save", "csrf": token})[0] == 403
        assert not (project / "evil.md").exists()
        # a writer cannot publish with review on; 提交审核 records the writer and no approval
        assert writer.post("/_desk/save", {**form, "action": "publish", "csrf": token})[0] == 403
        status, headers, _ = writer.post("/_desk/save", {**form, "action": "submit", "csrf": token})
        assert status == 303 and "notice=submitted" in headers["location"]
        [path] = list((project / "content" / "notices").glob("*门禁卡*"))
        text = path.read_text(encoding="utf-8")
        assert "editor: 王芳" in text and "approved_by" not in text
        _, _, edit_page = writer.get("/_desk/edit?path=notices/" + path.name)
        assert "提交审核" in edit_page and 'value="publish"' not in edit_page

        def published() -> tuple[bool, list]:
            report = Report()
            settings = load_settings(project / "mkdocs.yml", report)
            board = load_board(settings, parse_time(AS_OF), report, write_cache=False)
            codes = [m for m in report.warnings if m.code == "review.not_approved" and path.name in m.path]
            return any(a.path.name == path.name for a in board.published), codes

        is_published, held = published()
        assert not is_published and len(held) == 1  # the build holds it back, with a message
        # the reviewer publishes: approved_by is written, editor stays the writer
        reviewer = Client(served.url)
        assert reviewer.login("李主任", PASSWORD["李主任"]) == 303
        token = reviewer.csrf()
        _, _, edit_page = reviewer.get("/_desk/edit?path=notices/" + path.name)
        assert 'value="publish"' in edit_page
        status, headers, _ = reviewer.post("/_desk/save", {**form, "path": f"notices/{path.name}", "action": "publish",
                                                             "csrf": token})
        assert status == 303 and "notice=published" in headers["location"]
        text = path.read_text(encoding="utf-8")
        assert "approved_by: 李主任" in text and "editor: 王芳" in text and "draft: false" in text
        assert published() == (True, [])
        log = git(project, "log", "--format=%an|%s", "-3")
        assert "李主任|审核通过：关于更换门禁卡的通知" in log and "王芳|提交审核：关于更换门禁卡的通知" in log
        # logging out ends the session
        assert reviewer.post("/_desk/logout", {"csrf": token})[0] == 303
        assert reviewer.get("/_desk/")[0] == 303


def test_local_desk_refuses_other_host_names_and_posts_without_token(tmp_path: Path) -> None:
    project = git_project(tmp_path / "p")
    with desk_serve(project) as served:
        client = Client(served.url)
        assert client.request("GET", "/_desk/", headers={"Host": "evil.example:80"})[0] == 403  # DNS rebinding
        assert client.get("/_desk/")[0] == 200
        assert client.post("/_desk/delete", {"path": "science/2026-10-30-垃圾分类.md"})[0] == 403
        assert (project / "content" / "science" / "2026-10-30-垃圾分类.md").is_file()
        # a file changed on disk after the form was opened is never overwritten by the form
        src_uri = "science/2026-11-08-老年人防跌倒.md"
        status, _, page = client.get("/_desk/edit?path=" + src_uri)
        fields = dict(re.findall(r'<input type="hidden" name="(csrf|base|path|folder)" value="([^"]*)"', page))
        path = project / "content" / src_uri
        path.write_text(path.read_text(encoding="utf-8") + "\n记事本里加的一段。\n", encoding="utf-8")
        edited = path.read_text(encoding="utf-8")
        status, _, html = client.post("/_desk/save", {**fields, "title": "改了标题", "type": "science",
                                                      "date": "2026-11-08T00:00", "body": "正文", "action": "save"})
        assert status == 409 and "改过了" in html
        assert path.read_text(encoding="utf-8") == edited
