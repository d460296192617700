"""Community-wide settings: the one schema of every option, read from mkdocs.yml and checked once.

Each option is declared once in SCHEMA (name, Chinese label, kind, default), as MkDocs declares
its own with `config_options`. `board check`, `board build`, `board serve` and `mkdocs build`
(through the plugin, whose MkDocs config class is derived from SCHEMA and checks nothing itself)
all call `load_settings`, so the same mistake gives the same Chinese message with the option's
own line in mkdocs.yml. No MkDocs import here: the core reads settings without it.

To add a setting: add one `Option(...)` to SCHEMA; the code reads it as `settings.<name>`.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml
from yaml_env_tag import construct_env_tag

from generator.controls import CONTROL, describe
from generator.front_mistakes import COLON_FIX, describe_invisible, find_slips, repair
from generator.messages import Report

BOARD = "board"  # options under `plugins: - board:`
PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"  # the board's own (this repository's)
TOP = "top"  # mkdocs.yml's own top-level names that the board reads too

Fail = Callable[..., None]  # fail(text, code="settings.x", at=(sub-path inside the option,))


# -- kinds of option (MkDocs' config_options, with Chinese messages) ---------------------------

class Kind:
    """How one option's written value is checked and turned into what the code reads."""

    partial = False  # True: after a mistake in one item, the good items are still used (and checked further)

    def check(self, value: Any, raw: str | None, fail: Fail, root: Path) -> Any:
        """The value to use; on a mistake call `fail(...)` (the option then keeps its default)."""
        raise NotImplementedError


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "一组“名称: 内容”"
    if isinstance(value, list):
        return "一个列表"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return f"“{text if len(text) <= 40 else text[:40] + '…'}”"


@dataclass(frozen=True)
class Text(Kind):
    """One line of text. Numbers are taken as written (`0571` stays `0571`, not the number 377)."""

    blank_is_default: bool = False
    example: str = ""

    def check(self, value, raw, fail, root):
        if isinstance(value, (dict, list)) or isinstance(value, bool):
            fail(f"应是一段文字{f'，例如 {self.example}' if self.example else ''}，现在是{_shown(value)}。"
                 "请在冒号后面直接写文字，不要换行写列表。", "settings.type")
            return None
        text = (raw if raw is not None and not isinstance(value, str) else str(value)).strip()
        if CONTROL.search(text):
            fail(f"里有看不见的控制字符（{describe(text)}）。它会破坏网页、日历和订阅，请删掉它。", "settings.control_character")
            return None
        return text


@dataclass(frozen=True)
class Integer(Kind):
    low: int
    high: int
    unit: str = ""

    def check(self, value, raw, fail, root):
        if isinstance(value, bool) or not isinstance(value, int):
            fail(f"应是 {self.low} 到 {self.high} 之间的整数{f'（单位是{self.unit}，只写数字）' if self.unit else ''}，"
                 f"现在是{_shown(value)}。请只写数字，例如 {max(self.low, min(self.high, 20))}。", "settings.type")
            return None
        if not self.low <= value <= self.high:
            fail(f"应在 {self.low} 到 {self.high} 之间，现在是 {value}。请改成这个范围里的数。", "settings.range")
            return None
        return value


@dataclass(frozen=True)
class Boolean(Kind):
    def check(self, value, raw, fail, root):
        if not isinstance(value, bool):
            fail(f"只能写 true（是）或 false（否），现在是{_shown(value)}。", "settings.type")
            return None
        return value


@dataclass(frozen=True)
class TextList(Kind):
    """A list of texts, one `- item` a line; the code reads a tuple."""

    example: str = "0571-86001234"

    def check(self, value, raw, fail, root):
        if not isinstance(value, list):
            fail(f"应是一个列表，每项一行、以“- ”开头，现在是{_shown(value)}。请改成两行：冒号后面不写，"
                 f"下一行缩进写“- {value if isinstance(value, (str, int)) else self.example}”。", "settings.type")
            return None
        items = []
        for number, item in enumerate(value):
            if isinstance(item, (dict, list)) or item is None:
                fail(f"第 {number + 1} 项应是一段文字，现在是{_shown(item)}。", "settings.type", at=(number,))
                continue
            items.append(str(item).strip())
        return tuple(items)


@dataclass(frozen=True)
class Url(Kind):
    """A web address; kept with a trailing slash."""

    def check(self, value, raw, fail, root):
        text = Text().check(value, raw, fail, root)
        if not text:
            return None
        if not re.match(r"^https?://[^\s/]+[^\s]*$", text):
            fail(f"“{text}”不是完整网址。请写成以 https:// 或 http:// 开头的地址，例如 https://xingfuli.example.org/。",
                 "settings.site_url")
            return None
        return text.rstrip("/") + "/"


@dataclass(frozen=True)
class Folder(Kind):
    """A folder, relative to the project; the code reads the absolute path."""

    def check(self, value, raw, fail, root):
        text = Text().check(value, raw, fail, root)
        if text is None:
            return None
        if not text:
            fail("不能为空，请写文件夹名。", "settings.type")
            return None
        return (root / text).resolve()


@dataclass(frozen=True)
class FontFile(Kind):
    """A font file, relative to the project; empty means the bundled fonts."""

    def check(self, value, raw, fail, root):
        text = Text().check(value, raw, fail, root)
        if not text:
            return None
        path = (root / text).resolve()
        if not path.is_file():
            fail(f"指定的字体文件 {text} 不存在。请检查路径，或删掉这一项使用自带字体。", "settings.font_missing")
            return None
        return path


_HOURS = re.compile(r"^(\d{1,2})[:：](\d{2})\s*(?:-|–|—|－|~|～|至|到)\s*(\d{1,2})[:：](\d{2})$")


@dataclass(frozen=True)
class Hours(Kind):
    """Opening hours "HH:MM-HH:MM" (may cross midnight); empty means always on."""

    def check(self, value, raw, fail, root):
        text = Text().check(value, raw, fail, root)
        if not text:
            return "" if text is not None else None
        match = _HOURS.match(text)
        times = [int(g) for g in match.groups()] if match else []
        valid = bool(times) and times[0] <= 23 and times[1] <= 59 and (
            (times[2] <= 23 and times[3] <= 59) or times[2:] == [24, 0]) and times[:2] != times[2:]
        if not valid:
            fail(f"“{text}”看不懂。请写成“开始-结束”的时间，24 小时制，例如 06:30-22:00；不写表示全天开着。",
                 "settings.hours")
            return None
        return f"{times[0]:02d}:{times[1]:02d}-{times[2]:02d}:{times[3]:02d}"


DEPLOY_TYPES = {"folder": "本机文件夹", "ssh": "SSH 服务器", "s3": "S3 兼容的对象存储"}


@dataclass(frozen=True)
class DeployTargets(Kind):
    """`deploy`: a list of targets, each a mapping with `name` and `type`.

    Only those two keys are checked here; each type's own keys belong to the publisher
    (generator/publish/targets.py), which gets every target whose name and type are right.
    """

    partial = True

    def check(self, value, raw, fail, root):
        types = "、".join(f"{k}（{v}）" for k, v in DEPLOY_TYPES.items())
        if not isinstance(value, list):
            fail(f"应是一个列表，每个发布目标以“- name: 名称”开头，下面缩进写 type（{types}）等，现在是{_shown(value)}。",
                 "deploy.not_list")
            return None
        targets, first_index = [], {}
        for number, item in enumerate(value):
            if not isinstance(item, dict):
                fail(f"第 {number + 1} 个发布目标应是一组“名称: 内容”，以“- name: 名称”开头，现在是{_shown(item)}。",
                     "deploy.not_mapping", at=(number,))
                continue
            ok = True
            name = item.get("name")
            if isinstance(name, (dict, list, bool)) or name is None or not str(name).strip():
                fail(f"第 {number + 1} 个发布目标缺少 name（名称），请写一个简短的名字，例如 name: 本机。",
                     "deploy.name", at=(number,))
                ok = False
            else:
                name = str(name).strip()
                if name in first_index:
                    fail(f"发布目标的名称“{name}”重复了（第 {first_index[name] + 1} 个也叫这个名字）。"
                         "每个目标的名称要不一样，请改一个。", "deploy.duplicate_name", at=(number, "name"))
                    ok = False
                first_index.setdefault(name, number)
            kind = item.get("type")
            if not isinstance(kind, str) or kind.strip() not in DEPLOY_TYPES:
                got = "没有写" if kind is None else f"写的是{_shown(kind)}"
                fail(f"第 {number + 1} 个发布目标的 type（类型）{got}。只能是 {types}。", "deploy.type",
                     at=(number, "type") if kind is not None else (number,))
                ok = False
            if ok:
                targets.append({**item, "name": name, "type": kind.strip()})
        return tuple(targets)


# -- the schema ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    """One setting: everything about it is here and nowhere else."""

    name: str
    label: str  # what staff call it, used in messages and in the README
    kind: Kind
    default: Any = None  # as the code reads it (already checked)
    section: str = BOARD


SCHEMA: tuple[Option, ...] = (
    # mkdocs.yml's own names that the board reads (MkDocs checks them too, in its own words)
    Option("site_name", "网站名称", Text(blank_is_default=True), "社区公告栏", TOP),
    Option("site_url", "网站地址", Url(), None, TOP),
    Option("site_description", "网站简介", Text(), "", TOP),
    Option("docs_dir", "文章文件夹", Folder(), None, TOP),
    Option("site_dir", "网站输出文件夹", Folder(), None, TOP),
    # the board's own options, under `plugins: - board:`
    Option("community", "社区名称", Text(blank_is_default=True, example="幸福里社区"), "幸福里社区"),
    Option("committee", "居委会名称", Text(blank_is_default=True, example="幸福里社区居民委员会"), "幸福里社区居民委员会"),
    Option("contact", "联系方式", Text(example="社区居委会值班电话 0571-86001234"), ""),
    Option("public_phones", "公开电话", TextList(), ()),
    Option("kiosk_interval", "电子屏每条显示秒数", Integer(3, 600, "秒"), 15),
    Option("kiosk_items", "电子屏最多条数", Integer(1, 200, "条"), 30),
    Option("kiosk_hours", "电子屏开屏时间", Hours(), ""),
    Option("per_page", "每页文章数", Integer(5, 200, "篇"), 20),
    Option("home_per_type", "首页每类文章数", Integer(1, 50, "篇"), 5),
    Option("poster_font_regular", "海报正文字体", FontFile(), None),
    Option("poster_font_bold", "海报粗体字体", FontFile(), None),
    Option("posters", "生成海报", Boolean(), True),
    Option("beian", "ICP 备案号", Text(example="浙ICP备12345678号"), ""),
    Option("police_beian", "公安备案号", Text(example="浙公网安备33010602000000号"), ""),
    Option("deploy", "发布目标", DeployTargets(), ()),
    Option("review", "发布前审核", Boolean(), False),
    Option("street_office", "街道办事处名称", Text(example="和平街道办事处"), ""),  # a street project's articles' author
)
OPTIONS: dict[str, Option] = {o.name: o for o in SCHEMA}
BOARD_OPTIONS: dict[str, Option] = {o.name: o for o in SCHEMA if o.section == BOARD}
DEFAULTS: dict[str, Any] = {o.name: o.default for o in SCHEMA if o.section == BOARD}


# -- the view the rest of the code reads -------------------------------------------------------

class Settings:
    """Everything a build needs to know besides the articles: `settings.<option name>`, checked."""

    def __init__(self, project_root: Path, config_file: Path, values: dict[str, Any],
                 lines: dict[tuple, tuple[str, int]] | None = None) -> None:
        self.__dict__.update(project_root=project_root, config_file=config_file, values=values,
                             lines=lines or {}, templates_dir=project_root / "templates",
                             street=None)  # a community of a street project: its generator.street_layout.StreetLink

    @classmethod
    def defaults(cls, project_root: Path, config_file: Path | None = None) -> "Settings":
        """Every option at its default (for tests and tools that have no mkdocs.yml)."""
        root = project_root.resolve()
        values = {o.name: o.default for o in SCHEMA}
        values.update(docs_dir=root / "content", site_dir=root / "site")
        return cls(root, config_file or root / "mkdocs.yml", values)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values")
        if values is None or name not in values:
            raise AttributeError(name)
        return values[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if name in OPTIONS:
            self.values[name] = value
        else:
            self.__dict__[name] = value

    @property
    def content_dir(self) -> Path:
        return self.values["docs_dir"]

    def content_path(self, src_uri: str) -> Path:
        """The file behind a content-relative path (a street article's files live in the street's content/)."""
        if self.street is not None:
            return self.street.content_path(src_uri, self.content_dir)
        return self.content_dir / src_uri

    def where(self, name: str, *at: str | int) -> tuple[str, int]:
        """(file, line) of an option in mkdocs.yml, or of a part of it (`where("deploy", 0, "path")`),
        for messages about it: the nearest line written, line 1 if the option is not written."""
        path = (name, *at)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return _shown_path(self.config_file, self.project_root), 1

    def full_url(self, relative_url: str) -> str | None:
        """Absolute, percent-encoded URL of a page, for QR codes and feeds; None without site_url."""
        if not self.site_url:
            return None
        from urllib.parse import quote

        return self.site_url.rstrip("/") + "/" + quote(relative_url, safe="/")


# -- reading mkdocs.yml ---------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """mkdocs.yml's YAML as MkDocs reads it: `!ENV` from the environment, other tags kept as plain values."""


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_Loader.add_constructor("!ENV", construct_env_tag)  # pyyaml-env-tag, as MkDocs itself uses
_Loader.add_multi_constructor("!", _unknown_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _unknown_tag)


@dataclass
class _Doc:
    """A parsed mkdocs.yml with, for every key and list item, the file and line it was written on."""

    data: dict[str, Any]
    lines: dict[tuple, tuple[str, int]] = field(default_factory=dict)
    raw: dict[tuple, str] = field(default_factory=dict)  # plain scalars as written

    def where(self, path: tuple, fallback: tuple[str, int]) -> tuple[str, int]:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return fallback


def _shown_path(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _walk(node: yaml.Node, path: tuple, shown: str, doc: _Doc, report: Report) -> None:
    if node.tag == "!ENV":
        return
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in seen and key != "<<":
                report.warning(shown, line, f"“{key}”在第 {seen[key]} 行已经写过一次，只有这一行起作用。请删掉多余的一行。",
                               code="settings.duplicate_key")
            seen[key] = line
            doc.lines[path + (key,)] = (shown, line)
            _walk(value_node, path + (key,), shown, doc, report)
    elif isinstance(node, yaml.SequenceNode):
        for number, item in enumerate(node.value):
            doc.lines[path + (number,)] = (shown, item.start_mark.line + 1)
            _walk(item, path + (number,), shown, doc, report)
    elif isinstance(node, yaml.ScalarNode) and node.style is None:
        doc.raw[path] = node.value


def _merge(parent: dict, child: dict) -> dict:
    """MkDocs' INHERIT merge (mergedeep's default): mappings merged key by key, anything else replaced."""
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read(path: Path, root: Path, report: Report, depth: int = 0) -> _Doc | None:
    """Parse one settings file (and what it INHERITs); every problem becomes a message on its line."""
    shown = _shown_path(path, root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        report.error(shown, 1, f"找不到站点设置文件 {path}。请在项目根目录运行，或用 -f 指定 mkdocs.yml 的位置。",
                     code="settings.missing")
        return None
    except UnicodeDecodeError:
        report.error(shown, 1, f"{path.name} 不是 UTF-8 编码。请用记事本“另存为”，编码选 UTF-8。", code="settings.encoding")
        return None
    slips = find_slips(text)  # the same typing slips as in front matter, found on their own line
    written = text.split("\n")
    for slip in slips:
        kind = slip.code.split(".")[-1]
        key = slip.fixed.strip().removeprefix("- ").split(":")[0].strip()
        if kind == "fullwidth_colon":
            why = f"“{key}”后面用了中文冒号，这一行读不出来。请{COLON_FIX}。"
        elif kind == "invisible_space":
            why = (f"“{key}”这一行里有看不见的{describe_invisible(written[slip.line - 1])}，这一项不会被认出来。"
                   "请删掉它：名称前只用英文空格缩进，和上下行对齐。")
        else:
            why = slip.text  # a list item or a colon without its space: said the same way everywhere
        report.error(shown, slip.line, why, code=f"settings.{kind}")
    text = repair(text, slips)  # check the rest of the file as it was meant
    bad = CONTROL.search(text.replace("\r", ""))  # PyYAML refuses the whole file, naming no line
    if bad:
        report.error(shown, text.count("\n", 0, bad.start()) + 1,
                     f"这一行有看不见的控制字符（{describe(bad.group())}），整个文件读不出来。请删掉它（常见于从网页或微信复制）。",
                     code="settings.control_character")
        text = CONTROL.sub("", text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        scanning_key = exc.context == "while scanning a simple key" and exc.context_mark is not None
        mark = exc.context_mark if scanning_key else (exc.problem_mark or exc.context_mark)
        if "'\\t'" in str(exc.problem):
            why = "这一行用了 Tab 键缩进。请删掉 Tab，改用空格缩进（和上下行对齐）。"
        else:
            why = "这一行格式有误，无法读取。请检查：名称后是英文冒号加空格“: ”，缩进和上下行对齐，引号成对。"
        report.error(shown, (mark.line + 1) if mark else 1, why, code="settings.syntax")
        return None
    except yaml.YAMLError:
        report.error(shown, 1, "文件格式有误，无法读取。请检查冒号、缩进和引号。", code="settings.syntax")
        return None
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        report.error(shown, 1, f"{path.name} 的内容应是一行一个“名称: 内容”的设置。", code="settings.not_mapping")
        return None
    doc = _Doc(data)
    if node is not None:
        _walk(node, (), shown, doc, report)
    parent_name = data.pop("INHERIT", None)
    if parent_name is not None:
        parent_path = (path.parent / str(parent_name)).resolve()
        if depth > 8 or not parent_path.is_file():
            report.error(*doc.where(("INHERIT",), (shown, 1)),
                         f"INHERIT 指向的设置文件 {parent_name} 不存在（{parent_path}）。请检查路径。", code="settings.inherit")
            return None
        parent = _read(parent_path, root, report, depth + 1)
        if parent is None:
            return None
        doc = _Doc(_merge(parent.data, doc.data), {**parent.lines, **doc.lines}, {**parent.raw, **doc.raw})
    return doc


def load_settings(config_file: Path, report: Report, site_dir: Path | None = None) -> Settings | None:
    """Read and check mkdocs.yml; problems become `mkdocs.yml:LINE:` messages. None if unreadable."""
    from generator.street_layout import street_link

    config_file = config_file.resolve()
    link = street_link(config_file)  # a community of a street project: paths are named from the street's folder
    doc = _read(config_file, link.root if link else config_file.parent, report)
    if doc is None:
        return None
    if link is not None and site_dir is None:
        site_dir = link.site_dir / link.id
    settings = settings_from_mapping(doc.data, config_file.parent, config_file, report, site_dir, doc,
                                     project_root=link.root if link else None)
    if link is not None:
        settings.street = link.for_community(settings)
    return settings


def _board_options(config: dict[str, Any]) -> tuple[tuple, Any] | None:
    """(path, options) of the `board` plugin in a parsed mkdocs.yml, or None if it is not there."""
    plugins = config.get("plugins")
    if isinstance(plugins, dict) and "board" in plugins:
        return ("plugins", "board"), plugins["board"]
    if isinstance(plugins, list):
        for number, entry in enumerate(plugins):
            if entry == "board":
                return ("plugins", number), {}
            if isinstance(entry, dict) and "board" in entry:
                return ("plugins", number, "board"), entry["board"]
    return None


def board_options(config: dict[str, Any]) -> dict[str, Any]:
    """The `board` plugin's options from a parsed mkdocs.yml, or {}."""
    found = _board_options(config)
    return dict(found[1]) if found and isinstance(found[1], dict) else {}


def unsafe_site_dir(settings: Settings) -> str | None:
    """The build replaces the site folder whole: it must never be the project, content/ or templates/."""
    site = settings.site_dir.resolve()
    root = settings.project_root.resolve()
    for keep, what in ((root, "项目文件夹"), (settings.content_dir.resolve(), "文章文件夹 content"),
                       ((root / "templates").resolve(), "模板文件夹 templates")):
        holds_keep = site == keep or site in keep.parents  # replacing site would replace keep
        inside_keep = keep in site.parents and keep != root  # site/ inside the project is the normal case
        if holds_keep or inside_keep:
            return (f"网站输出文件夹 {site} 和{what}重叠：生成网站时会整个替换输出文件夹，里面原有的文件会丢失。"
                    "请改用单独的文件夹，例如 site。")
    return None


def settings_from_mapping(config: dict[str, Any], root: Path, config_file: Path, report: Report,
                          site_dir: Path | None = None, doc: _Doc | None = None,
                          project_root: Path | None = None) -> Settings:
    """Check every option of SCHEMA in the mkdocs.yml mapping, once; unknown options are warnings.
    Folders are read from `root` (mkdocs.yml's folder, as MkDocs does); files are named in messages
    from `project_root` (the street's folder for a community of a street project), default `root`."""
    root = root.resolve()
    shown_root = (project_root or root).resolve()
    doc = doc or _Doc(config)
    top = (_shown_path(config_file, shown_root), 1)
    found = _board_options(config)
    if found is None:
        report.error(*doc.where(("plugins",), top), "mkdocs.yml 的 plugins 里没有 board，网站不会按公告栏生成。"
                     "请在 plugins: 下面加一行“  - board:”，把公告栏的设置缩进写在它下面。", code="settings.plugin_missing")
        board_path, options = ("plugins",), {}
    else:
        board_path, options = found
        if options is None:
            options = {}
        if not isinstance(options, dict):
            report.error(*doc.where(board_path, top), "board 下面的设置应缩进写成一行一个“名称: 内容”，"
                         f"现在是{_shown(options)}。", code="settings.type")
            options = {}
    values: dict[str, Any] = {o.name: o.default for o in SCHEMA}
    values.update(docs_dir=root / "content", site_dir=root / "site")
    lines: dict[tuple, tuple[str, int]] = {}
    for option in SCHEMA:
        path = (option.name,) if option.section == TOP else board_path + (option.name,)
        source = config if option.section == TOP else options
        lines.update({(option.name, *p[len(path):]): at for p, at in doc.lines.items() if p[:len(path)] == path})
        value = source.get(option.name)
        if value is None:
            continue  # not written, empty, or an unset !ENV variable: the default, as in MkDocs
        problems: list[tuple[str, str, tuple]] = []

        def fail(text: str, code: str = "settings.type", at: tuple = (), _p=problems) -> None:
            _p.append((text, code, at))

        checked = option.kind.check(value, doc.raw.get(path), fail, root)
        prefix = "board 设置" if option.section == BOARD else "设置"
        for text, code, at in problems:
            report.error(*doc.where(path + at, top), f"{prefix} {option.name}（{option.label}）{text}", code=code)
        if checked is None or (problems and not option.kind.partial):
            continue
        if checked == "" and getattr(option.kind, "blank_is_default", False):
            continue
        values[option.name] = checked
    if site_dir is not None:
        values["site_dir"] = site_dir.resolve()
    settings = Settings(shown_root, config_file, values, lines)
    if shown_root != root:  # a community's own templates/, else its street's, else the board's own
        settings.templates_dir = next((d for d in (root / "templates", shown_root / "templates") if d.is_dir()),
                                      PACKAGE_TEMPLATES)
    _unknown_options(options, board_path, config, doc, top, report)
    problem = unsafe_site_dir(settings)
    if problem:
        report.error(*settings.where("site_dir"), problem, code="settings.site_dir")
    if settings.site_url and not settings.beian:
        report.warning(*settings.where("site_url"), "网站已有地址（site_url），但没有写 ICP 备案号。在中国大陆上线的网站"
                       "要在每页底部显示备案号：请在 board 设置里加一行 beian: 浙ICP备12345678号（换成本社区网站的备案号）。",
                       code="settings.beian_missing")
    return settings


def _unknown_options(options: dict, board_path: tuple, config: dict, doc: _Doc, top: tuple[str, int],
                     report: Report) -> None:
    """Unknown names under board are warnings with the closest real one; board options at the top too."""
    names = list(BOARD_OPTIONS)
    for key in options:
        if key in BOARD_OPTIONS:
            continue
        key_text = str(key)
        close = difflib.get_close_matches(key_text.lower(), names, n=1, cutoff=0.6)
        hint = (f"是不是想写“{close[0]}”（{BOARD_OPTIONS[close[0]].label}）？" if close
                else "可用的设置见 README 的“社区设置”一节。")
        report.warning(*doc.where(board_path + (key_text,), top),
                       f"board 设置里没有“{key_text}”这一项，这一行不起作用。{hint}", code="settings.unknown")
    for key in config:
        if key in BOARD_OPTIONS:
            report.warning(*doc.where((key,), top),
                           f"“{key}”（{BOARD_OPTIONS[key].label}）是公告栏的设置，写在这里不起作用。"
                           "请把这一行移到 plugins 下面的 board: 里面（缩进对齐其他 board 设置）。", code="settings.misplaced")
