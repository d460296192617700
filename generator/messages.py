"""Problems found in content, reported as `PATH:LINE: message` in Simplified Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


SHOWN_LIMIT = 40


def shown(value: object, limit: int = SHOWN_LIMIT) -> str:
    """A value staff wrote, as a message quotes it: a pasted page or 5000 digits is cut, so the
    message stays one readable line; a YAML null (`~` or nothing) reads as empty, never as None."""
    text = "（空）" if value is None else str(value)
    return text if len(text) <= limit else f"{text[:limit]}……（共 {len(text)} 个字）"


class Level(str, Enum):
    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True, order=True)
class Message:
    """One problem in one file; `line` is 1-based (0 when the whole file is meant)."""

    path: str
    line: int
    text: str
    level: Level = Level.ERROR
    code: str = ""  # stable identifier (e.g. "date.format") that tests match on, never shown to staff

    def __str__(self) -> str:
        return f"{self.path}:{max(self.line, 1)}: {self.level.value}：{self.text}"


@dataclass
class Report:
    """All messages of one run, so that every mistake is shown at once."""

    messages: list[Message] = field(default_factory=list)

    def error(self, path: str, line: int, text: str, code: str = "") -> None:
        self.messages.append(Message(path, line, text, Level.ERROR, code))

    def warning(self, path: str, line: int, text: str, code: str = "") -> None:
        self.messages.append(Message(path, line, text, Level.WARNING, code))

    def extend(self, other: "Report") -> None:
        self.messages.extend(other.messages)

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.level is Level.ERROR]

    @property
    def warnings(self) -> list[Message]:
        return [m for m in self.messages if m.level is Level.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Message]:
        return sorted(self.messages, key=lambda m: (m.path, m.line, m.level.value, m.text))
