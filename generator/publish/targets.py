"""The `deploy` setting: each target's own keys, checked with Chinese messages on their mkdocs.yml line.

`name` and `type` are the settings schema's (generator/settings.py); the keys of each type are the publisher's and are
checked here. Secrets never belong in mkdocs.yml (it is copied, mailed and put in git): a password
or key written there is an error, and credentials come from the environment or a file outside
the project (generator/publish/credentials.py).
"""

from __future__ import annotations

import difflib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.messages import Report
from generator.settings import DEPLOY_TYPES

TYPES = DEPLOY_TYPES
COMMON = {"name", "type", "credentials_file"}
KEYS = {
    "folder": {"path", "keep"},
    "ssh": {"host", "port", "user", "path", "key_file", "known_hosts", "keep"},
    "s3": {"bucket", "endpoint", "region", "prefix", "max_delete", "addressing"},
}
SECRET_WORDS = re.compile(r"pas+w|passphrase|secret|token|access_?key|key_?id|密码|密钥|口令", re.I)
EXAMPLES = {
    "folder": "path: /var/www/board/site",
    "ssh": "host: 192.0.2.10、user: board、path: /var/www/board/site",
    "s3": "bucket: xingfuli-board、endpoint: https://oss-cn-hangzhou.aliyuncs.com",
}


@dataclass
class Target:
    name: str
    type: str
    options: dict[str, Any]
    line: int  # the target's first line in mkdocs.yml


def _compose_lines(config_file: Path) -> dict[tuple, int]:
    """Line of every key and list item under the board plugin's `deploy` (composing needs no tags)."""
    try:
        root = yaml.compose(config_file.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    lines: dict[tuple, int] = {}

    def mapping_get(node, key):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == key:
                    return k, v
        return None, None

    _k, plugins = mapping_get(root, "plugins")
    board = None
    if isinstance(plugins, yaml.SequenceNode):
        for item in plugins.value:
            _k, board = mapping_get(item, "board")
            if board is not None:
                break
    elif isinstance(plugins, yaml.MappingNode):
        _k, board = mapping_get(plugins, "board")
    key, deploy = mapping_get(board, "deploy")
    if key is None:
        return lines
    lines[()] = key.start_mark.line + 1
    if isinstance(deploy, yaml.SequenceNode):
        for number, item in enumerate(deploy.value):
            lines[(number,)] = item.start_mark.line + 1
            if isinstance(item, yaml.MappingNode):
                for k, v in item.value:
                    if isinstance(k, yaml.ScalarNode):
                        lines[(number, k.value)] = k.start_mark.line + 1
                        if k.value == "name" and isinstance(v, yaml.ScalarNode):
                            lines.setdefault(("name", v.value.strip()), number)  # type: ignore[arg-type]
    return lines


def load_targets(settings, report: Report) -> list[Target]:
    """Every deploy target, checked; a target with an error is left out (and the error reported)."""
    config_file: Path = settings.config_file
    shown = config_file.name
    lines = _compose_lines(config_file)

    def at(*path) -> int:
        while path and path not in lines:
            path = path[:-1]
        return lines.get(path, lines.get((), 1))

    targets: list[Target] = []
    # The settings schema has checked the list, each `name` and `type`, and passes on the good targets.
    for number, item in enumerate(settings.deploy):
        errors_before = len(report.errors)
        number = lines.get(("name", item["name"]), number)  # the target's place in mkdocs.yml, for its lines
        name, kind = item["name"], item["type"]
        label = f"发布目标“{name}”"
        for key, value in item.items():
            key = str(key)
            if key in COMMON or key in KEYS[kind]:
                continue
            if SECRET_WORDS.search(key):
                report.error(shown, at(number, key),
                             f"{label}里写了“{key}”：密码、密钥不能写在 mkdocs.yml 里（它会被复制、发送、放进版本库）。"
                             "请删掉这一行，改用环境变量或项目文件夹以外的凭据文件，见 README“上线”一节。",
                             code="deploy.secret_in_config")
                continue
            near = difflib.get_close_matches(key, sorted(KEYS[kind] | COMMON), n=1, cutoff=0.6)
            hint = f"是不是想写“{near[0]}”？" if near else f"{TYPES[kind]}目标可用的设置有：{'、'.join(sorted(KEYS[kind]))}。"
            report.warning(shown, at(number, key), f"{label}里没有“{key}”这一项，这一行不起作用。{hint}",
                           code="deploy.unknown_key")
        _check_kind(kind, item, label, lambda key: at(number, key) if key else at(number), shown, settings, report)
        if len(report.errors) == errors_before:
            targets.append(Target(name, kind, dict(item), at(number)))
    return targets


def _check_kind(kind: str, item: dict, label: str, at, shown: str, settings, report: Report) -> None:
    def need(key: str, what: str) -> str | None:
        value = item.get(key)
        if value is None or isinstance(value, (dict, list, bool)) or not str(value).strip():
            report.error(shown, at(key if key in item else None),
                         f"{label}缺少 {key}（{what}）。{TYPES[kind]}目标至少要写：{EXAMPLES[kind]}。", code=f"deploy.{key}")
            return None
        return str(value).strip()

    def number(key: str, what: str, low: int, high: int) -> None:
        value = item.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high):
            report.error(shown, at(key), f"{label}的 {key}（{what}）应是 {low} 到 {high} 之间的整数，现在是“{value}”。",
                         code=f"deploy.{key}")

    root = settings.project_root.resolve()
    if kind == "folder":
        path = need("path", "网站文件夹，即 nginx 里 root 写的文件夹")
        if path:
            folder = (root / Path(path).expanduser()).resolve()
            if folder == root or root in folder.parents or folder in root.parents:
                report.error(shown, at("path"), f"{label}的 path 是 {folder}，在项目文件夹里面或就是它的上级："
                             "发布会在那里建版本文件夹并替换它。请用项目以外的文件夹，例如 /var/www/board/site。",
                             code="deploy.path_in_project")
        number("keep", "保留的版本数", 1, 50)
    elif kind == "ssh":
        need("host", "服务器地址")
        need("user", "登录用户名")
        path = need("path", "服务器上的网站文件夹")
        if path and not posixpath.isabs(path):
            report.error(shown, at("path"), f"{label}的 path 应是服务器上从 / 开始的完整路径，例如 /var/www/board/site。",
                         code="deploy.path_relative")
        number("port", "端口", 1, 65535)
        number("keep", "保留的版本数", 1, 50)
    else:
        bucket = need("bucket", "存储桶名称")
        if bucket and not re.fullmatch(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]", bucket):
            report.error(shown, at("bucket"), f"{label}的 bucket（存储桶名称）“{bucket}”不对：只能用小写英文字母、数字、点和减号，3 到 63 个字符。",
                         code="deploy.bucket")
        endpoint = item.get("endpoint")
        if endpoint is not None and not re.match(r"^https?://[^\s/]+", str(endpoint)):
            report.error(shown, at("endpoint"), f"{label}的 endpoint（服务地址）应以 https:// 开头，例如 https://oss-cn-hangzhou.aliyuncs.com。",
                         code="deploy.endpoint")
        prefix = item.get("prefix")
        if prefix is not None and (not isinstance(prefix, str) or prefix.startswith("/") or ".." in prefix.split("/")):
            report.error(shown, at("prefix"), f"{label}的 prefix（存储桶里的文件夹）应写成 board/ 这样，不以 / 开头。",
                         code="deploy.prefix")
        number("max_delete", "一次最多删除的文件数", 0, 1_000_000)
        addressing = item.get("addressing")
        if addressing is not None and addressing not in ("virtual", "path"):
            report.error(shown, at("addressing"), f"{label}的 addressing 只能是 virtual 或 path。", code="deploy.addressing")
    credentials = item.get("credentials_file")
    if credentials is not None:
        file = (root / Path(str(credentials)).expanduser()).resolve()
        if root in file.parents:
            report.error(shown, at("credentials_file"), f"{label}的凭据文件 {credentials} 在项目文件夹里面：它会随项目被复制、发送。"
                         "请把它放到项目以外，例如 ~/.config/board/credentials.ini。", code="deploy.credentials_in_project")
