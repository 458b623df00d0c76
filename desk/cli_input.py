"""The JSON documents `desk quote` and `desk calc` read (a file or standard input), held to limits
whatever they contain (issue 11, item 10): at most MAX_INPUT_BYTES are read (never a file that does
not end, like /dev/zero, or a pipe or device that may never be written), UTF-8 only, and then the
limits of `desk.core.json_text` (nesting at most 64 deep, integers of at most 30 digits, no NaN). Every
refusal is an `InputError` whose message is the one stderr line, naming `(input)`."""

from __future__ import annotations

import os
import stat

from desk.core import json_text
from desk.core.errors import os_reason

MAX_INPUT_BYTES = 20 * 1024 * 1024


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
        raise InputError(f"(input): 无法读取输入文件 {source}（{os_reason(error)}）。") from None


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"(input): 输入不是 UTF-8 编码的文本（第{error.start + 1}个字节处），请另存为 UTF-8 后重试。") from None


def parse_json(text: str) -> object:
    try:
        return json_text.loads(text)
    except json_text.JsonTextError as error:
        raise InputError(f"(input): 输入{error}，请检查后重试。") from None
