"""The one settings schema: every command gives the same Chinese message, on the option's own line.

Each wrong setting is written into a copy of the sample mkdocs.yml; the expected message (its code
and line) comes from the schema in-process, and must then appear word for word in the output of
`board check`, `board build` and `mkdocs build` (the plugin), with no English from MkDocs.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import AS_OF, ROOT, copy_project, renderer_command, run_board, write_article
from generator.messages import Level, Report
from generator.settings import BOARD_OPTIONS, SCHEMA, Settings, load_settings

ARTICLE = "---\ntitle: 好消息\ntype: science\ndate: 2026-11-20\n---\n\n正文第一段，讲一件好事。\n"
ENGLISH = re.compile(r"Expected type|Unrecognised configuration|Invalid config|Config value|must be|"
                     r"Traceback|not a valid", re.I)
MESSAGE = re.compile(r"^(?:\S+ +-  )?(\S+?):(\d+): (错误|警告)：.*$")
SAMPLE = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
BOARD_LINE = "      per_page: 20           # 栏目页每页显示的文章数\n"


def _with(extra: str = "", replace: tuple[str, str] | None = None) -> str:
    """The sample mkdocs.yml with lines added under `board:` (after per_page) or one text replaced."""
    text = SAMPLE.replace(BOARD_LINE, BOARD_LINE + extra)
    if replace:
        assert replace[0] in text
        text = text.replace(replace[0], replace[1])
    return text


def _line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def _project(tmp_path: Path, config: str) -> Path:
    project = copy_project(tmp_path / "p", with_content=False)
    write_article(project, "science/好消息.md", ARTICLE)
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    return project


def _expected(project: Path) -> list:
    report = Report()
    load_settings(project / "mkdocs.yml", report)
    return report.sorted()


def _mkdocs(project: Path) -> subprocess.CompletedProcess:
    """`mkdocs build` from this venv, as a developer would run it."""
    command = renderer_command()  # MkDocs, or ProperDocs in the second pass of .ci/run
    env = {**os.environ, "BOARD_AS_OF": AS_OF, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([*command, "build"], cwd=project, capture_output=True, text=True, timeout=300, env=env)


# (case id, mkdocs.yml text, code, fragment of the line it must name, level)
WRONG = [
    ("list-given-text", _with(replace=("public_phones:\n        - 0571-86001234", "public_phones: 0571-86001234")),
     "settings.type", "public_phones:", Level.ERROR),
    ("list-given-mapping", _with(replace=("public_phones:\n        - 0571-86001234", "public_phones: {值班: 1}")),
     "settings.type", "public_phones:", Level.ERROR),
    ("text-given-list", _with(replace=("      community: 幸福里社区", "      community: [幸福里, 社区]")),
     "settings.type", "community: [", Level.ERROR),
    ("integer-given-text", _with(replace=("kiosk_interval: 15 ", "kiosk_interval: 15秒 ")),
     "settings.type", "kiosk_interval:", Level.ERROR),
    ("integer-given-decimal", _with(replace=("per_page: 20 ", "per_page: 20.5 ")),
     "settings.type", "per_page:", Level.ERROR),
    ("boolean-given-text", _with("      posters: 是\n"), "settings.type", "posters: 是", Level.ERROR),
    ("boolean-given-number", _with("      review: 1\n"), "settings.type", "review: 1", Level.ERROR),
    ("number-too-small", _with(replace=("kiosk_items: 30 ", "kiosk_items: 0 ")),
     "settings.range", "kiosk_items:", Level.ERROR),
    ("number-too-large", _with(replace=("per_page: 20 ", "per_page: 1000 ")),
     "settings.range", "per_page:", Level.ERROR),
    ("hours-in-words", _with("      kiosk_hours: 早上6点半到晚上10点\n"), "settings.hours", "kiosk_hours:", Level.ERROR),
    ("hours-impossible", _with("      kiosk_hours: 06:30-25:00\n"), "settings.hours", "kiosk_hours:", Level.ERROR),
    ("hours-half", _with("      kiosk_hours: 6:30\n"), "settings.hours", "kiosk_hours:", Level.ERROR),
    ("deploy-duplicate-name",
     _with("      deploy:\n        - name: 本机\n          type: folder\n          path: /srv/board\n"
           "        - name: 本机\n          type: s3\n"),
     "deploy.duplicate_name", "        - name: 本机\n          type: s3", Level.ERROR),
    ("deploy-unknown-type", _with("      deploy:\n        - name: 服务器\n          type: ftp\n"),
     "deploy.type", "type: ftp", Level.ERROR),
    ("deploy-not-a-list", _with("      deploy: 本机\n"), "deploy.not_list", "deploy: 本机", Level.ERROR),
    ("fullwidth-space-before-key", _with("      \u3000review: true\n"), "settings.invisible_space", "review: true",
     Level.ERROR),
    ("control-character", _with(replace=("      committee: 幸福里社区居民委员会", "      committee: \"幸福里\\a居委会\"")),
     "settings.control_character", "committee:", Level.ERROR),
    ("font-file-missing", _with("      poster_font_regular: fonts/方正小标宋.ttf\n"), "settings.font_missing",
     "poster_font_regular:", Level.ERROR),
    ("unknown-typo-kiosk", _with("      kiosk_item: 10\n"), "settings.unknown", "kiosk_item: 10", Level.WARNING),
    ("unknown-typo-committee", _with("      commitee: 幸福里居委会\n"), "settings.unknown", "commitee:", Level.WARNING),
    ("unknown-typo-beian", _with("      bei_an: 浙ICP备1号\n"), "settings.unknown", "bei_an:", Level.WARNING),
]


def _first_line(text: str, fragment: str) -> int:
    if "\n" not in fragment:
        return _line_of(text, fragment)
    start = text.index(fragment)  # a fragment of two lines names its first line
    return text.count("\n", 0, start) + 1


# `board build` and `mkdocs build` read mkdocs.yml through the same load_settings as `board check`
# (the plugin's options are taken as written, generator/mkdocs_plugin.py): cases that differ only in
# the option's kind give the same code path there. So the slow commands run for the first case of each
# message code (CI time); `board check` runs for every case.
EVERY_COMMAND = {code: case_id for case_id, _config, code, _fragment, _level in reversed(WRONG)}


@pytest.mark.renderer  # runs the renderer's own command line
@pytest.mark.parametrize("case_id, config, code, fragment, level", WRONG, ids=[w[0] for w in WRONG])
def test_same_message_on_the_options_line_from_every_command(tmp_path: Path, case_id: str, config: str, code: str,
                                                             fragment: str, level: Level) -> None:
    project = _project(tmp_path, config)
    expected = [m for m in _expected(project) if m.code == code]
    assert len(expected) == 1, _expected(project)
    message = expected[0]
    assert (message.path, message.line, message.level) == ("mkdocs.yml", _first_line(config, fragment), level)
    if code == "settings.unknown":
        typo = config.splitlines()[message.line - 1].split(":")[0].strip()
        suggested = re.search(r"是不是想写“(\w+)”", message.text).group(1)
        assert suggested in BOARD_OPTIONS and suggested != typo
    outputs = {"board check": run_board(project, "check", "--as-of", AS_OF)}
    if EVERY_COMMAND[code] == case_id:
        outputs["board build"] = run_board(project, "build", "--as-of", AS_OF, "--no-posters")
        outputs["mkdocs build"] = _mkdocs(project)
    for name, result in outputs.items():
        text = result.stdout + result.stderr
        shown = [MESSAGE.match(line) for line in text.splitlines()]
        assert str(message) in text, f"{name}:\n{text}"
        assert any(m and (m.group(1), int(m.group(2))) == ("mkdocs.yml", message.line) for m in shown), name
        assert not ENGLISH.search(text), f"{name}:\n{text}"
        assert (result.returncode != 0) == (level is Level.ERROR), f"{name}:\n{text}"


@pytest.mark.renderer  # runs the renderer's own command line
def test_fullwidth_colon_named_on_its_own_line(tmp_path: Path) -> None:
    """The commonest slip; YAML itself would blame the next line. (MkDocs reads the YAML before any
    plugin runs, so `mkdocs build` can only refuse; the board commands say what to do.)"""
    for key in ("committee", "kiosk_items", "site_name"):
        config = re.sub(rf"^(\s*{key}): ", rf"\1： ", SAMPLE, count=1, flags=re.M)
        project = _project(tmp_path / key, config)
        messages = [m for m in _expected(project) if m.level is Level.ERROR]
        assert [(m.code, m.line) for m in messages] == [("settings.fullwidth_colon", _line_of(config, f"{key}："))]
        assert "把中文冒号“：”改成英文冒号加空格“: ”" in messages[0].text
        # kiosk_items sits where committee does (an option under `board:`): build and mkdocs build
        # would take committee's path again, so they run for committee and site_name only (CI time)
        for args in (("check",), ("build", "--no-posters"))[:1 if key == "kiosk_items" else 2]:
            result = run_board(project, *args, "--as-of", AS_OF)
            assert result.returncode == 1 and str(messages[0]) in result.stderr, result.stderr
            assert not ENGLISH.search(result.stderr)
        if key != "kiosk_items":
            assert _mkdocs(project).returncode != 0
        assert not (project / "site").exists()


@pytest.mark.parametrize("old, new, code", [
    ("site_url: https://xingfuli.example.org/", "site_url: xingfuli.example.org", "settings.site_url"),
    ("site_url: https://xingfuli.example.org/", "site_url: [https://xingfuli.example.org/]", "settings.type"),
    ("site_dir: site", "site_dir: content", "settings.site_dir"),
    ("docs_dir: content", "docs_dir: 文章", "settings.content_dir_missing"),
])
def test_mkdocs_own_names_checked_by_the_board_on_their_line(tmp_path: Path, old: str, new: str, code: str) -> None:
    """site_url, docs_dir, site_dir are MkDocs' names: the board commands check them the same way
    (`mkdocs build` refuses them too, before any plugin runs, in MkDocs' own words)."""
    config = SAMPLE.replace(old, new)
    project = _project(tmp_path, config)
    result = run_board(project, "check", "--as-of", AS_OF)
    wanted = f"mkdocs.yml:{_line_of(config, new)}: 错误："
    assert result.returncode == 1 and wanted in result.stderr, result.stderr
    report = Report()
    settings = load_settings(project / "mkdocs.yml", report)
    if settings is not None and code == "settings.content_dir_missing":
        from generator.load import load_board
        from generator.timeutil import now_shanghai

        load_board(settings, now_shanghai(), report)
    assert (code, _line_of(config, new)) in [(m.code, m.line) for m in report.errors]


def test_control_character_in_the_file_named_on_its_line(tmp_path: Path) -> None:
    config = SAMPLE.replace("      contact: 社区", "      contact: \x1b社区")
    project = _project(tmp_path, config)
    assert [(m.code, m.line) for m in _expected(project)] == [("settings.control_character", _line_of(config, "contact:"))]
    result = run_board(project, "check", "--as-of", AS_OF)
    assert result.returncode == 1 and "U+001B" in result.stderr and not ENGLISH.search(result.stderr)


def test_all_mistakes_in_one_run(tmp_path: Path) -> None:
    config = _with("      kiosk_hours: 半夜\n      review: 否\n      kiosk_item: 3\n",
                   replace=("per_page: 20 ", "per_page: 二十 "))
    config = config.replace("      committee: ", "      committee： ")
    project = _project(tmp_path, config)
    result = run_board(project, "check", "--as-of", AS_OF)
    found = {(m.group(1), int(m.group(2)), m.group(3)) for m in map(MESSAGE.match, result.stderr.splitlines()) if m}
    for fragment, level in (("committee：", "错误"), ("per_page:", "错误"), ("kiosk_hours:", "错误"),
                            ("review:", "错误"), ("kiosk_item:", "警告")):
        assert ("mkdocs.yml", _line_of(config, fragment), level) in found, result.stderr


def test_env_tag_reads_the_environment_with_a_default(tmp_path: Path) -> None:
    config = _with(replace=("      community: 幸福里社区", "      community: !ENV [BOARD_TEST_COMMUNITY, 默认社区]"))
    config = config.replace("per_page: 20 ", "per_page: !ENV BOARD_TEST_PER_PAGE ")
    project = _project(tmp_path, config)
    env = {"BOARD_TEST_COMMUNITY": "阳光里社区", "BOARD_TEST_PER_PAGE": "7"}
    old = {k: os.environ.pop(k, None) for k in env}
    try:
        report = Report()
        unset = load_settings(project / "mkdocs.yml", report)
        assert (unset.community, unset.per_page, report.messages) == ("默认社区", 20, [])
        os.environ.update(env)
        report = Report()
        both = load_settings(project / "mkdocs.yml", report)
        assert (both.community, both.per_page, report.messages) == ("阳光里社区", 7, [])
        os.environ["BOARD_TEST_PER_PAGE"] = "很多"
        report = Report()
        load_settings(project / "mkdocs.yml", report)
        assert [(m.code, m.line) for m in report.messages] == [("settings.type", _line_of(config, "per_page:"))]
    finally:
        for key, value in old.items():
            os.environ.pop(key, None)
            if value is not None:
                os.environ[key] = value
    # the real build reads it too: the feed's description names the community from the environment
    result = run_board(project, "build", "--as-of", AS_OF, "--no-posters", env=env)
    assert result.returncode == 0, result.stderr
    channel = ET.parse(project / "site" / "feed.xml").getroot().find("channel")
    assert channel.findtext("description").startswith("阳光里社区")
    assert "!ENV" not in (project / "site" / "feed.xml").read_text(encoding="utf-8")


def test_sample_settings_have_no_messages(sample_project: Path) -> None:
    report = Report()
    settings = load_settings(ROOT / "mkdocs.yml", report)
    assert report.messages == []
    assert settings.public_phones == ("0571-86001234",) and settings.beian and settings.per_page == 20
    result = run_board(sample_project, "check", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert not [line for line in result.stderr.splitlines() if line.startswith("mkdocs.yml")], result.stderr


def test_site_url_without_beian_is_a_warning_on_site_url(tmp_path: Path) -> None:
    config = re.sub(r"^\s*beian: .*\n", "", SAMPLE, flags=re.M)
    report = Report()
    project = _project(tmp_path, config)
    load_settings(project / "mkdocs.yml", report)
    assert [(m.code, m.line, m.level) for m in report.messages] == [
        ("settings.beian_missing", _line_of(config, "site_url:"), Level.WARNING)]
    no_url = _project(tmp_path / "b", config.replace("site_url: https://xingfuli.example.org/\n", ""))
    report = Report()
    load_settings(no_url / "mkdocs.yml", report)
    assert report.messages == []


@pytest.mark.parametrize("written, read", [
    ("06:30-22:00", "06:30-22:00"), ("6:30-22:00", "06:30-22:00"), ("06：30—22：00", "06:30-22:00"),
    ("22:00-06:00", "22:00-06:00"), ("07:00至24:00", "07:00-24:00"), ('""', ""),
    ("06:30-06:30", None), ("24:30-06:00", None), ("0630-2200", None), ("06:30", None), ("全天", None),
])
def test_kiosk_hours_format(tmp_path: Path, written: str, read: str | None) -> None:
    project = _project(tmp_path, _with(f"      kiosk_hours: {written}\n"))
    report = Report()
    settings = load_settings(project / "mkdocs.yml", report)
    if read is None:
        assert [m.code for m in report.messages] == ["settings.hours"]
    else:
        assert report.messages == [] and settings.kiosk_hours == read


def test_deploy_targets_keep_their_own_keys_and_are_checked_by_item(tmp_path: Path) -> None:
    good = _with("      deploy:\n        - name: 本机\n          type: folder\n          path: /srv/board\n"
                 "        - name: 云\n          type: s3\n          bucket: xingfuli\n")
    report = Report()
    settings = load_settings(_project(tmp_path / "a", good) / "mkdocs.yml", report)
    assert report.messages == []
    assert [(t["name"], t["type"]) for t in settings.deploy] == [("本机", "folder"), ("云", "s3")]
    assert settings.deploy[0]["path"] == "/srv/board" and settings.deploy[1]["bucket"] == "xingfuli"
    assert settings.where("deploy", 1, "bucket") == ("mkdocs.yml", _line_of(good, "bucket: xingfuli"))
    assert settings.where("deploy", 1, "endpoint") == ("mkdocs.yml", _line_of(good, "- name: 云"))
    assert settings.where("review") == ("mkdocs.yml", 1)  # not written
    bad = _with("      deploy:\n        - type: ssh\n        - name: 云\n        - 本机\n"
                "        - name: 本机\n          type: folder\n")
    report = Report()
    settings = load_settings(_project(tmp_path / "b", bad) / "mkdocs.yml", report)
    assert sorted((m.code, m.line) for m in report.messages) == [
        ("deploy.name", _line_of(bad, "- type: ssh")),
        ("deploy.not_mapping", _line_of(bad, "- 本机")),
        ("deploy.type", _line_of(bad, "- name: 云")),
    ]
    assert [t["name"] for t in settings.deploy] == ["本机"]  # the good one goes on to the publisher's checks


def test_inherited_settings_name_the_parent_file(tmp_path: Path) -> None:
    """A community's mkdocs.yml may INHERIT the street's (as MkDocs allows); messages name the file that holds the mistake."""
    street = tmp_path / "street"
    project = _project(street / "communities", "INHERIT: ../../mkdocs.yml\nsite_name: 幸福里\n")  # communities/p/
    parent = "plugins:\n  - board:\n      committee: 街道办\n      per_page: 2\n"
    (street / "mkdocs.yml").write_text(parent, encoding="utf-8")
    report = Report()
    settings = load_settings(project / "mkdocs.yml", report)
    # a community of a street project: files are named from the street's folder (generator/street.py)
    assert [(m.path, m.line, m.code) for m in report.messages] == [("mkdocs.yml", 4, "settings.range")]
    assert (settings.site_name, settings.committee) == ("幸福里", "街道办")


def test_unknown_and_misplaced_and_duplicate_are_warnings(tmp_path: Path) -> None:
    config = "community: 放错地方\n" + _with("      per_page: 30\n")
    project = _project(tmp_path, config)
    messages = _expected(project)
    assert sorted((m.code, m.line) for m in messages) == [
        ("settings.duplicate_key", _line_of(config, "per_page: 30")),
        ("settings.misplaced", 1),
    ]
    report = Report()
    assert load_settings(project / "mkdocs.yml", report).per_page == 30  # as YAML and MkDocs read it


def test_missing_board_plugin_is_an_error(tmp_path: Path) -> None:
    config = SAMPLE[:SAMPLE.index("plugins:")] + "plugins:\n  - search\n"
    project = _project(tmp_path, config)
    errors = [(m.code, m.line) for m in _expected(project) if m.level is Level.ERROR]
    assert errors == [("settings.plugin_missing", _line_of(config, "plugins:"))]


@pytest.mark.parametrize("old, new, code", [
    ("      per_page: 20", "      \u3000per_page: 20", "settings.invisible_space"),
    ("      per_page: 20", "      per_page\u200b: 20", "settings.invisible_space"),
    ("site_url: ", "site_url： ", "settings.fullwidth_colon"),
    ("        - 0571-86001234", "        -0571-86001234", "settings.list_no_space"),
])
def test_typing_slips_named_on_their_line_and_the_rest_still_checked(tmp_path: Path, old: str, new: str,
                                                                      code: str) -> None:
    config = SAMPLE.replace(old, new, 1).replace("kiosk_items: 30", "kiosk_items: 三十")
    project = _project(tmp_path, config)
    got = [(m.code, m.line) for m in _expected(project)]
    assert got == sorted([(code, _line_of(config, new.strip())), ("settings.type", _line_of(config, "kiosk_items:"))],
                         key=lambda c: c[1])
    report = Report()
    assert load_settings(project / "mkdocs.yml", report).public_phones == ("0571-86001234",)


def test_plugin_config_is_derived_from_the_schema() -> None:
    from generator.mkdocs_plugin import BoardConfig

    board_names = {o.name for o in SCHEMA if o.section == "board"}
    assert {name for name, _ in BoardConfig._schema} == board_names
    assert Settings.defaults(ROOT).per_page == 20


def test_new_notice_takes_committee_and_phone_from_the_settings(tmp_path: Path) -> None:
    config = (SAMPLE.replace("幸福里社区居民委员会", "阳光里社区居民委员会").replace("community: 幸福里社区", "community: 阳光里社区")
              .replace("0571-86001234", "0571-88889999"))
    project = _project(tmp_path, config)
    assert run_board(project, "new", "notice", "停水通知").returncode == 0
    path = next((project / "content" / "notices").glob("*停水通知.md"))
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["author"] == "阳光里社区居民委员会"
    assert "0571-88889999" in text.split("---\n", 2)[2]
    assert "幸福里" not in text and "86001234" not in text
    check = run_board(project, "check", "--as-of", AS_OF)
    assert "电话" not in "".join(l for l in check.stderr.splitlines() if "停水通知" in l), check.stderr


def test_readme_settings_section_names_every_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### 社区设置"):readme.index("## For developers")]
    documented = set(re.findall(r"^\| `(\w+)`(?:、`(\w+)`)? \|", section, flags=re.M))
    names = {n for pair in documented for n in pair if n}
    assert names == {o.name for o in SCHEMA} - {"docs_dir", "site_dir"}


def test_board_serve_shows_the_same_settings_messages(tmp_path: Path) -> None:
    """The preview reads mkdocs.yml through the same schema: the error page and the warnings bar
    carry the same code, line and words as `board check`."""
    from bs4 import BeautifulSoup
    from test_preview import board_serve, error_items

    broken = _with("      kiosk_item: 10\n").replace("      committee: ", "      committee： ")
    project = _project(tmp_path, broken)
    expected = {m.code: m for m in _expected(project)}
    error, warning = expected["settings.fullwidth_colon"], expected["settings.unknown"]
    with board_serve(project) as served:
        status, html = served.get()
        assert status == 200
        items = error_items(html)
        assert {"file": "mkdocs.yml", "line": str(error.line), "code": error.code, "text": error.text} in items
        assert served.proc.poll() is None
        assert not ENGLISH.search(served.output)
        seen = served.version()["version"]
        (project / "mkdocs.yml").write_text(broken.replace("committee： ", "committee: "), encoding="utf-8")
        deadline = time.monotonic() + 90
        while served.version()["errors"] and time.monotonic() < deadline:
            seen = served.wait_for_version_after(seen)["version"]
        status, html = served.get()
        assert status == 200 and not error_items(html)
        bar = [li.get_text() for li in BeautifulSoup(html, "html.parser").select(".board-preview-bar li")]
        assert f"mkdocs.yml 第 {warning.line} 行：{warning.text}" in bar
