"""The JSON documents `desk quote` and `desk calc` read (a file or standard input), held to limits
whatever they contain (issue 11, item 10): at most MAX_INPUT_BYTES are read (never a file that does
not end, like /dev/zero, or a pipe or device that may never be written), UTF-8 only, nesting at
most MAX_DEPTH deep, integers of at most MAX_INTEGER_DIGITS digits, no NaN or Infinity. Every
refusal is an `InputError` whose message is the one stderr line, naming `(input)`."""

from __future__ import annotations

import json
import math
import os
import stat

MAX_INPUT_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
MAX_INTEGER_DIGITS = 30


class InputError(Exception):
    """The input could not be read as a JSON document within the limits; the message is the one stderr line."""


def read_json(source: str, stdin) -> object:
    return parse_json(_decode(_read(source, stdin)))


def _read(source: str, stdin) -> bytes | str:
    if source == "-":
        buffer = getattr(stdin, "buffer", None)
        data = buffer.read(MAX_INPUT_BYTES + 1) if buffer is not None else stdin.read(MAX_INPUT_BYTES + 1)
    else:
        data = _read_file(source)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"(input): 输入超过 {MAX_INPUT_BYTES // (1024 * 1024)} MB，不予读取：请检查是否给错了文件。")
    return data


def _read_file(source: str) -> bytes:
    try:
        status = os.stat(source)
        if stat.S_ISDIR(status.st_mode):
            raise InputError(f"(input): {source} 是文件夹，请给出 JSON 文件的路径。")
        if not stat.S_ISREG(status.st_mode):
            raise InputError(f"(input): {source} 不是普通文件（设备或管道），请给出 JSON 文件的路径，或用 - 从标准输入读入。")
        with open(source, "rb") as file:
            return file.read(MAX_INPUT_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"(input): 找不到输入文件 {source}") from None
    except OSError as error:
        raise InputError(f"(input): 无法读取输入文件 {source}（{error.strerror or error}）。") from None


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"(input): 输入不是 UTF-8 编码的文本（第{error.start + 1}个字节处），请另存为 UTF-8 后重试。") from None


def parse_json(text: str) -> object:
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise _too_deep() from None
    except json.JSONDecodeError as error:
        raise InputError(f"(input): 输入不是有效的 JSON（第{error.lineno}行第{error.colno}列：{error.msg}）。") from None
    if not _depth_within(value, MAX_DEPTH):
        raise _too_deep()
    return value


def _too_deep() -> InputError:
    return InputError(f"(input): JSON 嵌套超过 {MAX_DEPTH} 层，不予处理：请检查输入。")


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise InputError(f"(input): 输入中有一个{digits}位的整数，超出可处理的范围，请核对。")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InputError(f"(input): 输入中的数字 {text[:20]} 超出可处理的范围，请核对。")
    return value


def _constant(name: str):
    raise InputError(f"(input): JSON 中不允许 {name}，请填写具体的数值。")


def _depth_within(value, limit: int) -> bool:
    """Iteratively (no recursion): no list or object nested deeper than `limit`."""
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return True
