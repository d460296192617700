"""Names that every file system the board meets can store: Linux, UOS/Kylin, and Windows' NTFS.

A slug, a tag or a file name becomes a file or folder of the site; Windows refuses device
names (CON, NUL, COM1 … also with an extension: nul.txt), the characters < > : " | ? * and
control characters, and silently drops trailing dots and spaces. Written here because the
rule is a short, fixed list (Microsoft's "Naming Files, Paths, and Namespaces").
"""

from __future__ import annotations

_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{port}{n}" for port in ("COM", "LPT") for n in list("0123456789") + ["¹", "²", "³"]}
_FORBIDDEN = set('<>:"|?*\\/') | {chr(c) for c in range(32)}


def windows_problem(name: str) -> str | None:
    """What is wrong with one path component on Windows, as a Chinese phrase; None if nothing."""
    bad = sorted({ch for ch in name if ch in _FORBIDDEN})
    if bad:
        shown = " ".join("控制字符" if ord(ch) < 32 else ch for ch in dict.fromkeys(bad))
        return f"含有 Windows 不允许的符号（{shown}）"
    if name.endswith((".", " ")):
        return "以点或空格结尾（Windows 会把它去掉，变成另一个名字）"
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in _DEVICES:
        return f"“{name.split('.', 1)[0]}”是 Windows 保留的设备名（CON、PRN、AUX、NUL、COM1、LPT1 等），不能当文件名"
    return None


def path_problem(path: str) -> tuple[str, str] | None:
    """(component, problem) for the first component of a '/'-separated path Windows cannot store."""
    for part in path.split("/"):
        problem = windows_problem(part)
        if problem:
            return part, problem
    return None
