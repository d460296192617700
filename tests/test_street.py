"""A street project (examples/street): one street office, three communities, the street's own notices.

The street is built once per module (with posters); each test reads the real artefacts: pages,
board.json, the kiosk's embedded data, feed.xml, posters and the print pack (their text), the portal.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

import pypdf
import pytest
from bs4 import BeautifulSoup

from conftest import AS_OF, STREET_IDS, copy_street, run_board, tree_hash

RECYCLED = (".site-spare", ".site-trees.json")  # the site replaced last time, kept for the next build (generator.output.recycle)

NAMES = {"xingfuli": "幸福里社区", "hepingli": "和平里社区", "cuiyuan": "翠苑社区"}
TWO = "2026-11-22-燃气管道更新改造"  # communities: [xingfuli, hepingli]
TWO_TITLE = "幸福里、和平里社区燃气管道更新改造的通知"
URGENT = "2026-11-24-谨防冒充燃气公司上门诈骗"  # every community, urgent
URGENT_TITLE = "紧急提醒：谨防冒充燃气公司人员上门收费"
STREET_TITLES = (TWO_TITLE, URGENT_TITLE, "关于冬季集中供暖系统调试的通知", "冬季取暖，谨防一氧化碳中毒")
OFFICE = "和平街道办事处"


def squash(text: str) -> str:
    """Text without spaces and the invisible break hints pages put between phrases."""
    return re.sub(r"[\s\u200b\u00ad]+", "", text)


def pdf_text(path: Path) -> str:
    return squash("".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def kiosk_data(site: Path) -> dict:
    return json.loads(soup(site / "kiosk" / "index.html").select_one("#kiosk-data").string)


@pytest.fixture(scope="module")
def street(tmp_path_factory) -> Path:
    root = copy_street(tmp_path_factory.mktemp("street") / "heping")
    result = run_board(root, "build", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    return root


def test_every_community_is_a_complete_site(street: Path) -> None:
    site = street / "site"
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == list(STREET_IDS)
    for community in STREET_IDS:
        for name in ("index.html", "board.json", "feed.xml", "calendar.ics", "kiosk/index.html",
                     "posters/print-pack.pdf", "search/index.html", ".board-site"):
            assert (site / community / name).is_file(), (community, name)
        manifest = json.loads((site / community / "board.json").read_text(encoding="utf-8"))
        assert manifest["community"] == NAMES[community]
        assert manifest["site_url"] == f"https://heping.example.org/{community}/"


def test_street_notice_for_two_communities_is_in_exactly_those_two(street: Path) -> None:
    site = street / "site"
    for community in ("xingfuli", "hepingli"):
        own = site / community
        page = own / "notices" / TWO / "index.html"
        assert TWO_TITLE in soup(page).title.string
        [entry] = [a for a in json.loads((own / "board.json").read_text(encoding="utf-8"))["articles"] if a["slug"] == TWO]
        assert entry["from_street"] is True and entry["author"] == OFFICE
        assert entry["source"] == f"content/notices/{TWO}.md"  # named from the street's folder
        assert TWO in [a["slug"] for a in kiosk_data(own)["articles"]]
        assert TWO_TITLE in (own / "feed.xml").read_text(encoding="utf-8")
        assert squash(TWO_TITLE) in pdf_text(own / "posters" / "print-pack.pdf")
        assert squash(TWO_TITLE) in squash(soup(own / "notices" / "index.html").get_text())  # its section, as its own
        assert TWO_TITLE in (own / "calendar.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    third = site / "cuiyuan"
    assert not (third / "notices" / TWO).exists() and not (third / "posters" / f"{TWO}.pdf").exists()
    assert TWO not in [a["slug"] for a in kiosk_data(third)["articles"]]
    assert squash(TWO_TITLE) not in pdf_text(third / "posters" / "print-pack.pdf")
    for path in third.rglob("*"):  # nowhere at all: pages, feeds, search data, kiosk, calendar
        if path.is_file() and path.suffix != ".pdf":
            data = path.read_bytes()
            assert TWO_TITLE.encode() not in data and TWO.encode() not in data, path


def test_own_articles_stay_in_their_community(street: Path) -> None:
    site = street / "site"
    assert (site / "cuiyuan" / "notices" / "2026-11-25-临时停电" / "index.html").is_file()
    for other in ("xingfuli", "hepingli"):
        assert not (site / other / "notices" / "2026-11-25-临时停电").exists()
        entries = json.loads((site / other / "board.json").read_text(encoding="utf-8"))["articles"]
        assert all(not a["source"].startswith("communities/cuiyuan/") for a in entries)


def test_urgent_street_notice_is_each_communitys_banner(street: Path) -> None:
    for community in STREET_IDS:
        own = street / "site" / community
        for page in (own / "index.html", own / "notices" / TWO / "index.html", own / "archive" / "index.html"):
            if not page.is_file():
                continue
            banner = soup(page).select_one(".md-banner .board-urgent")
            assert banner is not None, page
            assert squash(URGENT_TITLE) in squash(banner.get_text()), page
        kiosk = kiosk_data(own)["articles"]
        assert any(a["slug"] == URGENT and a["urgent"] for a in kiosk)


def test_posters_carry_their_own_communitys_name(street: Path) -> None:
    for community in STREET_IDS:
        text = pdf_text(street / "site" / community / "posters" / f"{URGENT}.pdf")
        assert squash(URGENT_TITLE) in text
        assert NAMES[community] in text, community
        for other, name in NAMES.items():
            if other != community:
                assert name not in text, (community, other)


def test_portal_lists_every_community_and_the_street_notices(street: Path) -> None:
    portal = soup(street / "site" / "index.html")
    assert portal.html["lang"] == "zh-CN" and portal.select_one("meta[name=viewport]")
    assert OFFICE in portal.h1.get_text()
    links = {a.get_text(strip=True): a["href"] for a in portal.select(".community h3 a")}
    assert links == {NAMES[c]: f"{c}/" for c in STREET_IDS}
    for community in STREET_IDS:
        for href in (f"{community}/",):
            assert (street / "site" / href / "index.html").is_file()
    cuiyuan = portal.select_one("#community-cuiyuan")
    assert "11月27日翠苑三区临时停电" in cuiyuan.get_text()  # a community's own urgent notice
    assert "临时停电" not in portal.select_one("#community-xingfuli").get_text()
    for community in STREET_IDS:
        assert URGENT_TITLE in portal.select_one(f"#community-{community}").get_text()
    notices = portal.select(".notice")
    assert sorted(n.h3.get_text() for n in notices) == sorted(
        ("紧急" if t == URGENT_TITLE else "") + t for t in STREET_TITLES)
    gas = next(n for n in notices if TWO_TITLE in n.h3.get_text())
    places = {a.get_text(): unquote(a["href"]) for a in gas.select(".places a")}
    assert places == {NAMES["hepingli"]: f"hepingli/notices/{TWO}/", NAMES["xingfuli"]: f"xingfuli/notices/{TWO}/"}
    for href in places.values():
        assert (street / "site" / href / "index.html").is_file()


def test_check_names_files_from_the_street_folder(street: Path) -> None:
    result = run_board(street, "check", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert "3 个社区" in result.stdout


# -- mistakes: each an error (or warning) at its file and line, named from the street's folder ----------

def messages(stderr: str) -> list[tuple[str, int, str]]:
    return [(m[1], int(m[2]), m[3]) for m in re.finditer(r"^([^\s:]+):(\d+): (错误|警告)：", stderr, re.M)]


def codes(root: Path, *args: str) -> tuple[int, list[tuple[str, str, int]]]:
    """(exit code, [(code, path, line)]) of `board check`, read through the library (codes are not printed)."""
    from generator.messages import Report
    from generator.street import check_street
    from generator.timeutil import parse_time

    report = Report()
    check_street(root, parse_time(AS_OF), report)
    return (0 if report.ok else 1), sorted((m.code, m.path, m.line) for m in report.messages)


def street_notice(root: Path, name: str, front: str, body: str = "正文。") -> str:
    path = root / "content" / "notices" / name
    path.write_text(f"---\ntitle: 街道的通知{name[:4]}\ntype: notice\ndate: 2026-11-20\n{front}---\n\n{body}\n", encoding="utf-8")
    return f"content/notices/{name}"


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    return copy_street(tmp_path / "heping")


def test_communities_entries_that_name_no_community(fresh: Path) -> None:
    block = street_notice(fresh, "块.md", "communities:\n  - xingfuli\n  - xingfu\n  - 翠苑社区\n")
    flow = street_notice(fresh, "行.md", "communities: [hepingli, Cuiyuan]\n")
    wrapped = street_notice(fresh, "折行.md", "communities: [hepingli,\n  Cuiyuan, xingfuli]\n")
    text = street_notice(fresh, "文字.md", "communities: xingfuli、Hepingli\n")
    status, found = codes(fresh)
    assert status == 1
    assert ("street.unknown_community", block, 7) in found  # `- xingfu`, its own line
    assert ("street.bad_community_id", block, 8) in found  # a Chinese name: the id is asked for
    assert ("street.bad_community_id", flow, 5) in found  # capital letter: not an id
    assert ("street.bad_community_id", wrapped, 6) in found  # a flow list over two lines: the item's line
    assert ("street.bad_community_id", text, 5) in found  # ids in one text: the key's line
    result = run_board(fresh, "check", "--as-of", AS_OF)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    said = messages(result.stderr)
    assert (block, 8, "错误") in said and (flow, 5, "错误") in said
    assert "是不是想写 cuiyuan" in result.stderr  # 翠苑社区 is cuiyuan's name
    assert result.stderr.count(f"{block}:7:") == 1  # said once, though three communities read the article


def test_empty_communities_is_a_warning(fresh: Path) -> None:
    path = street_notice(fresh, "空.md", "communities: []\n")
    status, found = codes(fresh)
    assert status == 0 and ("street.communities_empty", path, 5) in found


@pytest.mark.parametrize("folder", ["Xingfu", "幸福里", "xing_fu", "9lou", "a" * 40])
def test_community_folder_names_must_be_ids(fresh: Path, folder: str) -> None:
    (fresh / "communities" / "xingfuli").rename(fresh / "communities" / folder)
    status, found = codes(fresh)
    assert status == 1
    assert ("street.bad_id", f"communities/{folder}/mkdocs.yml", 1) in found


def test_community_without_settings(fresh: Path) -> None:
    (fresh / "communities" / "xinjian" / "content").mkdir(parents=True)
    status, found = codes(fresh)
    assert status == 1 and ("street.no_settings", "communities/xinjian", 1) in found


def test_two_communities_on_one_address(fresh: Path) -> None:
    config = fresh / "communities" / "xingfuli" / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("https://heping.example.org/xingfuli/", "https://heping.example.org/hepingli/")
    config.write_text(text, encoding="utf-8")
    status, found = codes(fresh)
    line = text.split("\n").index("site_url: https://heping.example.org/hepingli/") + 1
    assert status == 1 and ("street.same_site_url", "communities/xingfuli/mkdocs.yml", line) in found
    # left out, both inherit the street's address: the same mistake, pointed at the community's own file
    for community in ("cuiyuan", "hepingli"):
        config = fresh / "communities" / community / "mkdocs.yml"
        config.write_text("\n".join(l for l in config.read_text(encoding="utf-8").split("\n") if not l.startswith("site_url")),
                          encoding="utf-8")
    status, found = codes(fresh)
    assert status == 1 and ("street.same_site_url", "communities/hepingli/mkdocs.yml", 1) in found


def test_communities_key_in_a_communitys_own_article(fresh: Path) -> None:
    path = fresh / "communities" / "cuiyuan" / "content" / "notices" / "2026-11-16-停车位登记.md"
    text = path.read_text(encoding="utf-8").replace("tags: [停车]\n", "tags: [停车]\ncommunities: [xingfuli]\n")
    path.write_text(text, encoding="utf-8")
    line = text.split("\n").index("communities: [xingfuli]") + 1
    status, found = codes(fresh)
    assert status == 0
    assert ("street.communities_outside", f"communities/cuiyuan/content/notices/{path.name}", line) in found


def test_street_and_community_article_on_one_address(fresh: Path) -> None:
    (fresh / "content" / "notices" / "2026-11-21-楼道堆物清理.md").write_text(
        "---\ntitle: 街道的楼道清理\ntype: notice\ndate: 2026-11-21\ncommunities: [xingfuli]\n---\n\n正文。\n", encoding="utf-8")
    status, found = codes(fresh)
    assert status == 1
    assert [f for f in found if f[0] == "slug.duplicate"]


@pytest.mark.parametrize("named,ok", [("[hepingli]", True), ("[xingfuli, hepingli]", False), ("[cuiyuan]", False)])
def test_a_communitys_public_phone_frees_only_its_own(fresh: Path, named: str, ok: bool) -> None:
    """A mobile number listed in hepingli's public_phones: a street notice may print it in hepingli only."""
    add_public_phone(fresh / "communities" / "hepingli" / "mkdocs.yml", "13905710001")
    path = street_notice(fresh, "电话.md", f"communities: {named}\n", "有事请打和平里社区书记的工作手机 139 0571 0001。")
    status, found = codes(fresh)
    assert status == (0 if ok else 1), found
    assert bool([f for f in found if f[0] == "privacy.body" and f[1] == path]) is not ok


def test_the_streets_own_public_phone_is_free_everywhere(fresh: Path) -> None:
    add_public_phone(fresh / "mkdocs.yml", "13905719999", indent=6)
    street_notice(fresh, "街道电话.md", "", "请拨打街道平安办值班手机 13905719999。")
    status, found = codes(fresh)
    assert status == 0, found
    own = fresh / "communities" / "cuiyuan" / "content" / "notices" / "手机.md"  # the street's list is for its own articles
    own.write_text("---\ntitle: 手机\ntype: science\ndate: 2026-11-20\n---\n\n请打 13905719999。\n", encoding="utf-8")
    status, found = codes(fresh)
    assert status == 1 and ("privacy.body", "communities/cuiyuan/content/notices/手机.md", 7) in found


def add_public_phone(config: Path, number: str, indent: int = 6) -> None:
    lines = config.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if line.strip() == "public_phones:" or line.strip().startswith("public_phones:"))
    lines.insert(at + 1, " " * indent + f"- {number}")
    config.write_text("\n".join(lines), encoding="utf-8")


def test_failed_community_leaves_the_whole_street_as_it_was(fresh: Path) -> None:
    assert run_board(fresh, "build", "--as-of", AS_OF, "--no-posters").returncode == 0
    before = tree_hash(fresh / "site")
    bad = fresh / "communities" / "cuiyuan" / "content" / "notices" / "坏.md"
    bad.write_text("---\ntitle: 坏\ntype: notice\ndate: 2026-13-45\nauthor: 翠苑\n---\n正文\n", encoding="utf-8")
    result = run_board(fresh, "build", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("communities/cuiyuan/content/notices/坏.md", 4, "错误") in messages(result.stderr)
    assert tree_hash(fresh / "site") == before
    assert not [p for p in fresh.iterdir() if p.name.startswith(".site-") and p.name not in RECYCLED]


def test_one_community_rebuilt_the_others_kept(fresh: Path) -> None:
    assert run_board(fresh, "build", "--as-of", AS_OF, "--no-posters").returncode == 0
    site = fresh / "site"
    kept = {c: tree_hash(site / c) for c in ("cuiyuan", "hepingli")}
    own = fresh / "communities" / "xingfuli" / "content" / "notices" / "2026-11-26-新通知.md"
    own.write_text("---\ntitle: 幸福里的新通知\ntype: notice\ndate: 2026-11-26\nauthor: 幸福里社区居民委员会\nurgent: true\n---\n\n正文。\n",
                   encoding="utf-8")
    result = run_board(fresh, "build", "--community", "xingfuli", "--as-of", AS_OF, "--no-posters")
    assert result.returncode == 0, result.stderr
    assert (site / "xingfuli" / "notices" / "2026-11-26-新通知" / "index.html").is_file()
    assert {c: tree_hash(site / c) for c in ("cuiyuan", "hepingli")} == kept
    portal = soup(site / "index.html")
    assert "幸福里的新通知" in portal.select_one("#community-xingfuli").get_text()  # the portal follows


def test_community_option_is_checked(fresh: Path, tmp_path: Path) -> None:
    result = run_board(fresh, "build", "--community", "nosuch")
    assert result.returncode == 2 and "cuiyuan、hepingli、xingfuli" in result.stderr
    single = tmp_path / "single"
    from conftest import copy_project

    copy_project(single, with_content=False)
    assert run_board(single, "check", "--community", "xingfuli").returncode == 2
    serve = run_board(fresh, "serve")
    assert serve.returncode == 2 and "--community" in serve.stderr


def test_killed_street_builds_leave_the_street_whole(fresh: Path) -> None:
    """The street's own build (every community in its own process) killed at random moments: the
    street's site is the old one or the new one, never a mix; no worker writes on after the kill."""
    import random
    import signal
    import subprocess
    import sys
    import time

    from test_robustness import site_state

    build = lambda as_of: run_board(fresh, "build", "--as-of", as_of, "--no-posters")  # noqa: E731
    assert build("2026-12-01").returncode == 0
    new_site = site_state(fresh / "site")
    started = time.monotonic()
    assert build(AS_OF).returncode == 0
    full = time.monotonic() - started
    old_site = site_state(fresh / "site")
    assert old_site != new_site
    rng = random.Random(3)
    kills = 0
    for attempt in range(12):
        if kills >= 4:
            break
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--as-of", "2026-12-01", "--no-posters"],
                                cwd=fresh, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, full * 0.9))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
        state = site_state(fresh / "site")
        assert state in (old_site, new_site), f"a mixed street site after attempt {attempt}"
        if state == new_site:
            assert build(AS_OF).returncode == 0
    assert kills >= 2
    time.sleep(1)
    assert build(AS_OF).returncode == 0 and site_state(fresh / "site") == old_site
    assert not [p for p in fresh.iterdir() if p.name.startswith(".site-") and p.name not in RECYCLED]


def _children(pid: int) -> list[int]:
    """Processes whose parent is pid (Linux /proc; the street's build runs one worker per core)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds the build's workers through /proc")
def test_one_killed_community_build_leaves_every_community_as_it_was(fresh: Path) -> None:
    """One community's worker process killed mid-build: the build says which community and that
    nothing changed, every community's site online is as it was, and the next build works."""
    import signal
    import subprocess
    import sys
    import time

    assert run_board(fresh, "build", "--as-of", AS_OF, "--no-posters").returncode == 0
    before = tree_hash(fresh / "site")
    street_notice(fresh, "2026-11-25-全街道.md", "")  # every community changes: each is built again
    proc = subprocess.Popen([sys.executable, "-m", "generator", "build", "--as-of", AS_OF, "--no-posters"], cwd=fresh,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while not workers and time.monotonic() < deadline and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.05)
        assert workers, "no worker process seen"
        time.sleep(0.5)
        os.kill(workers[0], signal.SIGKILL)
        _out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1 and "Traceback" not in err and "内部出错" not in err, err
    said = messages(err)
    assert said and all(re.fullmatch(r"communities/[a-z]+/mkdocs\.yml", path) and line == 1 for path, line, _ in said), err
    assert "意外中断" in err and "线上的网站保持原样" in err
    assert tree_hash(fresh / "site") == before
    assert not [p for p in fresh.iterdir() if p.name.startswith(".site-") and p.name not in RECYCLED]
    assert run_board(fresh, "build", "--as-of", AS_OF, "--no-posters").returncode == 0
    assert tree_hash(fresh / "site") != before
