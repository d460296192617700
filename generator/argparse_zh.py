"""argparse's own words (usage, help headings, usage errors) in Simplified Chinese.

argparse asks gettext for every text it prints; Python ships no Chinese catalogue and a
compiled .mo file would be one more build step, so the few texts are translated here and
argparse's module-level `_`/`ngettext` are pointed at this table (the `board` command is the
only argparse user in the process).
"""

from __future__ import annotations

import argparse

ZH: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "要写的内容",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示这段帮助，然后退出",
    "subcommands": "命令",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s 写得不对：%(message)s",
    "unrecognized arguments: %s": "看不懂这些内容：%s",
    "the following arguments are required: %s": "缺少必须写的内容：%s",
    "one of the arguments %s is required": "%s 中必须写一个",
    "not allowed with argument %s": "不能和 %s 一起用",
    "ignored explicit argument %r": "多写了 %r",
    "expected one argument": "后面要写一个值",
    "expected at most one argument": "后面最多写一个值",
    "expected at least one argument": "后面至少要写一个值",
    "expected %s argument": "后面要写 %s 个值",
    "expected %s arguments": "后面要写 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "unexpected option string: %s": "多余的选项：%s",
    "invalid %(type)s value: %(value)r": "值 %(value)r 不对",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有 %(value)r 这一项（可选：%(choices)s）",
    "invalid choice: %(value)r, choose from %(choices)s": "没有 %(value)r 这一项（可选：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：出错了：%(message)s\n",
    "can't open '%(filename)s': %(error)s": "打不开文件“%(filename)s”：%(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有 %(parser_name)r 这个命令（可选：%(choices)s）",
}


def _gettext(message: str) -> str:
    return ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def install() -> None:
    """Make every ArgumentParser in this process speak Chinese."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
