"""Who may use the desk: accounts (argon2 hashes in a git-ignored file), sessions that expire,
a CSRF token per session, and a limit on failed logins.

Accounts live in `<project>/.board/users.json`; the folder carries its own `.gitignore` (`*`), so
the file is never committed even when the whole project is a git repository.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = {"writer": "撰稿人", "reviewer": "审核人"}
ACCOUNTS = Path(".board") / "users.json"
SESSION_IDLE = 2 * 3600  # seconds without a request before a session ends
SESSION_MAX = 12 * 3600  # a session never lasts longer than a working day
LOGIN_WINDOW = 15 * 60  # seconds over which failed logins are counted
LOGIN_LIMIT = 5  # failed logins per address (or per name) in the window before logins are refused
MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w\u3400-\u9fff·.-]{1,32}$")
_hasher = PasswordHasher()


class AccountError(ValueError):
    """A problem with a user command, in Chinese."""


def accounts_file(project_root: Path) -> Path:
    return project_root / ACCOUNTS


def load_accounts(project_root: Path) -> dict[str, dict[str, str]]:
    path = accounts_file(project_root)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    users = data.get("users") if isinstance(data, dict) else None
    return {str(k): v for k, v in users.items() if isinstance(v, dict)} if isinstance(users, dict) else {}


def _save_accounts(project_root: Path, users: dict[str, dict[str, str]]) -> None:
    path = accounts_file(project_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# 工作台的账号（密码只存哈希值），不要提交到 git\n*\n", encoding="utf-8")
    partial = path.with_suffix(".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # only this computer account may read it
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"users": users}, handle, ensure_ascii=False, indent=2)
    os.replace(partial, path)


def add_user(project_root: Path, name: str, role: str, password: str) -> bool:
    """Add the account, or set a new password and role for an existing one; True when it is new."""
    name = name.strip()
    if not _NAME.match(name):
        raise AccountError(f"用户名“{name}”不行：请用 1 到 32 个汉字、字母或数字（不要空格和符号），例如 王芳。")
    if role not in ROLES:
        raise AccountError(f"角色“{role}”不认识：只能是 writer（撰稿人）或 reviewer（审核人）。")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码太短：至少 {MIN_PASSWORD} 个字符。")
    users = load_accounts(project_root)
    new = name not in users
    users[name] = {"role": role, "hash": _hasher.hash(password)}
    _save_accounts(project_root, users)
    return new


def remove_user(project_root: Path, name: str) -> bool:
    users = load_accounts(project_root)
    if users.pop(name, None) is None:
        return False
    _save_accounts(project_root, users)
    return True


def verify(project_root: Path, name: str, password: str) -> str | None:
    """The account's role when the password is right, else None (same work done for unknown names)."""
    account = load_accounts(project_root).get(name)
    stored = account.get("hash", "") if account else ""
    try:
        _hasher.verify(stored or _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return account.get("role") if account and account.get("role") in ROLES else None


_DUMMY = _hasher.hash(secrets.token_hex(16))  # verified against for unknown names: no timing hint that a name exists


@dataclass
class Session:
    user: str
    role: str
    csrf: str
    started: float
    seen: float


class Sessions:
    """Sessions in memory (they end when board serve stops, as they should)."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def start(self, user: str, role: str) -> tuple[str, Session]:
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        session = Session(user, role, secrets.token_urlsafe(32), now, now)
        with self._lock:
            self._drop_expired(now)
            self._sessions[token] = session
        return token, session

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if now - session.seen > SESSION_IDLE or now - session.started > SESSION_MAX:
                del self._sessions[token]
                return None
            session.seen = now
            return session

    def end(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def _drop_expired(self, now: float) -> None:
        for token, session in list(self._sessions.items()):
            if now - session.seen > SESSION_IDLE or now - session.started > SESSION_MAX:
                del self._sessions[token]


def csrf_ok(session: Session | None, given: str | None) -> bool:
    return session is not None and bool(given) and hmac.compare_digest(session.csrf, given or "")


class LoginLimiter:
    """Failed logins counted per address and per name over a sliding window. A dozen lines of our own:
    the limit is one dictionary in one process, which no rate-limiting library makes simpler."""

    def __init__(self, limit: int = LOGIN_LIMIT, window: float = LOGIN_WINDOW) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, *keys: str) -> int:
        """Seconds to wait before another try, 0 when allowed."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                recent = [t for t in self._failures.get(key, []) if now - t < self.window]
                self._failures[key] = recent
                if len(recent) >= self.limit:
                    wait = max(wait, self.window - (now - recent[0]))
        return int(wait) + 1 if wait else 0

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, []).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
