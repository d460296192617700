"""Secrets for deploy targets: from the environment, or an INI file outside the project.

Never from mkdocs.yml (targets.py refuses them there) and never printed: messages name the
variable or file to fix, not its value.

    # ~/.config/board/credentials.ini (Windows: %APPDATA%\\board\\credentials.ini), one section per target name
    [阿里云]
    access_key_id = LTAI...
    secret_access_key = ...
    [服务器]
    key_passphrase = ...
"""

from __future__ import annotations

import configparser
import os
from pathlib import Path

ENV = {  # what staff set, per kind of secret
    "access_key_id": ("BOARD_S3_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"),
    "secret_access_key": ("BOARD_S3_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"),
    "password": ("BOARD_SSH_PASSWORD",),
    "key_passphrase": ("BOARD_SSH_KEY_PASSPHRASE",),
}


def default_file() -> Path:
    base = os.environ.get("APPDATA") if os.name == "nt" else os.environ.get("XDG_CONFIG_HOME")
    return Path(base or Path.home() / ".config") / "board" / "credentials.ini"


def secret(target: dict, what: str, project_root: Path) -> str | None:
    """One secret for one target: environment first, then the credentials file's [name] section."""
    for variable in ENV[what]:
        if os.environ.get(variable):
            return os.environ[variable]
    configured = target.get("credentials_file") or os.environ.get("BOARD_CREDENTIALS_FILE")
    file = (project_root / Path(str(configured)).expanduser()).resolve() if configured else default_file()
    if project_root.resolve() in file.parents or not file.is_file():
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(file, encoding="utf-8-sig")
    except (configparser.Error, UnicodeDecodeError):
        return None
    section = str(target.get("name"))
    return parser.get(section, what, fallback=None) if parser.has_section(section) else None


def where_to_put(what: str) -> str:
    """Where staff can put a missing secret, for a message."""
    return (f"设置环境变量 {ENV[what][0]}，或写在凭据文件 {default_file()} 里"
            f"（[目标名称] 一节下写 {what} = …），见 README“上线”一节")
