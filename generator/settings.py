"""Community-wide settings, read from mkdocs.yml (the `board` plugin's options, `site_url`).

Read here without MkDocs, so that `board check` and any future renderer see the same
settings as `mkdocs build` does through the plugin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.controls import CONTROL, describe
from generator.messages import Report

DEFAULTS: dict[str, Any] = {
    "community": "幸福里社区",
    "committee": "幸福里社区居民委员会",
    "contact": "",
    "public_phones": [],
    "kiosk_interval": 15,
    "kiosk_items": 30,
    "per_page": 20,
    "home_per_type": 5,
    "poster_font_regular": None,
    "poster_font_bold": None,
    "posters": True,
}


@dataclass
class Settings:
    """Everything a build needs to know besides the articles themselves."""

    project_root: Path
    config_file: Path
    content_dir: Path
    site_dir: Path
    site_name: str = "社区公告栏"
    site_url: str | None = None
    community: str = DEFAULTS["community"]
    committee: str = DEFAULTS["committee"]
    contact: str = ""
    public_phones: tuple[str, ...] = ()
    kiosk_interval: int = 15
    kiosk_items: int = 30
    per_page: int = 20
    home_per_type: int = 5
    poster_font_regular: Path | None = None
    poster_font_bold: Path | None = None
    posters: bool = True
    templates_dir: Path = field(default=Path("templates"))

    def full_url(self, relative_url: str) -> str | None:
        """Absolute, percent-encoded URL of a page, for QR codes and feeds; None without site_url."""
        if not self.site_url:
            return None
        from urllib.parse import quote

        return self.site_url.rstrip("/") + "/" + quote(relative_url, safe="/")


class _LenientLoader(yaml.SafeLoader):
    """mkdocs.yml may carry tags such as !ENV or !!python/name; keep them as plain values."""


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_LenientLoader.add_multi_constructor("!", _unknown_tag)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", _unknown_tag)


def board_options(config: dict[str, Any]) -> dict[str, Any]:
    """The `board` plugin's options from a parsed mkdocs.yml, or {}."""
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        options = plugins.get("board")
    elif isinstance(plugins, list):
        options = next((e["board"] for e in plugins if isinstance(e, dict) and "board" in e), None)
    else:
        options = None
    return dict(options) if isinstance(options, dict) else {}


def load_settings(config_file: Path, report: Report, site_dir: Path | None = None) -> Settings | None:
    """Read mkdocs.yml; problems become `mkdocs.yml:LINE:` messages."""
    config_file = config_file.resolve()
    root = config_file.parent
    name = config_file.name
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8-sig"), Loader=_LenientLoader) or {}
    except FileNotFoundError:
        report.error(name, 1, f"找不到站点设置文件 {config_file}。请在项目根目录运行，或用 -f 指定 mkdocs.yml 的位置。", code="settings.missing")
        return None
    except UnicodeDecodeError:
        report.error(name, 1, "mkdocs.yml 不是 UTF-8 编码。请用记事本“另存为”，编码选 UTF-8。", code="settings.encoding")
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        report.error(name, (mark.line + 1) if mark else 1,
                     "mkdocs.yml 格式有误，无法读取这一行。请检查冒号（英文半角，后加空格）、引号和缩进。", code="settings.syntax")
        return None
    if not isinstance(config, dict):
        report.error(name, 1, "mkdocs.yml 的内容应是“名称: 内容”的设置列表。", code="settings.not_mapping")
        return None
    return settings_from_mapping(config, root, config_file, report, site_dir)


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
                          site_dir: Path | None = None) -> Settings:
    """Build Settings from the mkdocs.yml mapping (used by the CLI and by the MkDocs plugin)."""
    name = config_file.name
    options = {**DEFAULTS, **board_options(config)}
    settings = Settings(
        project_root=root,
        config_file=config_file,
        content_dir=(root / str(config.get("docs_dir") or "content")).resolve(),
        site_dir=(site_dir or root / str(config.get("site_dir") or "site")).resolve(),
        site_name=str(config.get("site_name") or "社区公告栏"),
        templates_dir=root / "templates",
    )
    url = config.get("site_url")
    if url:
        url = str(url).strip()
        if not re.match(r"^https?://[^\s/]+", url):
            report.warning(name, 1, f"site_url “{url}” 不是完整网址（应以 http:// 或 https:// 开头），海报和订阅里不会放二维码和链接。", code="settings.site_url")
        else:
            settings.site_url = url.rstrip("/") + "/"
    for key in ("community", "committee", "contact"):
        setattr(settings, key, str(options.get(key) or DEFAULTS[key]))
    for key, value in (("site_name", config.get("site_name")), ("site_description", config.get("site_description")),
                       *((k, options.get(k)) for k in ("community", "committee", "contact"))):
        if isinstance(value, str) and CONTROL.search(value):
            report.error(name, 1, f"{key} 里有看不见的控制字符（{describe(value)}）。它会破坏网页、日历和订阅，请删掉它。",
                         code="settings.control_character")
    phones = options.get("public_phones") or []
    if not isinstance(phones, list):
        phones = [phones]
    settings.public_phones = tuple(str(p) for p in phones)
    for key, low, high in (("kiosk_interval", 3, 600), ("kiosk_items", 1, 200), ("per_page", 5, 200),
                           ("home_per_type", 1, 50)):
        value = options.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            report.error(name, 1, f"board 设置里 {key} 应是 {low} 到 {high} 之间的整数，现在是 “{value}”。", code="settings.bad_number")
        else:
            setattr(settings, key, value)
    settings.posters = bool(options.get("posters", True))
    problem = unsafe_site_dir(settings)
    if problem:
        report.error(name, 1, problem, code="settings.invalid")
    for key in ("poster_font_regular", "poster_font_bold"):
        value = options.get(key)
        if value:
            path = (root / str(value)).resolve()
            if not path.is_file():
                report.error(name, 1, f"board 设置里 {key} 指定的字体文件 {value} 不存在。请检查路径，或删掉这一项使用自带字体。", code="settings.font_missing")
            setattr(settings, key, path)
    return settings
