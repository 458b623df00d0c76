"""JSON text read within limits, whatever it contains (issue 11, item 10): nesting at most MAX_DEPTH
deep (checked without recursion; a RecursionError never escapes), integers of at most
MAX_INTEGER_DIGITS digits (Python refuses over 4,300 with a ValueError), no NaN or Infinity, and
no float: a number with a fraction stays its text (JsonFraction).
Used by `desk quote`/`desk calc` (desk/cli_input.py) and the holiday schedule files."""

from __future__ import annotations

import json

MAX_DEPTH = 64
MAX_INTEGER_DIGITS = 30


class JsonTextError(ValueError):
    """The text is not JSON within the limits; the message is a Chinese phrase to put after what was read
    ("输入" + message, "节假日安排文件" + message)."""


def loads(text: str | bytes) -> object:
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_fraction, parse_constant=_constant)
    except RecursionError:
        raise _too_deep() from None
    except json.JSONDecodeError as error:
        raise JsonTextError(f"不是有效的 JSON（第{error.lineno}行第{error.colno}列：{error.msg}）") from None
    if not _depth_within(value, MAX_DEPTH):
        raise _too_deep()
    return value


def _too_deep() -> JsonTextError:
    return JsonTextError(f"的 JSON 嵌套超过 {MAX_DEPTH} 层，不予处理")


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise JsonTextError(f"中有一个{digits}位的整数，超出可处理的范围")
    return int(text)


class JsonFraction:
    """A JSON number with a fraction or an exponent (1200.5, 1e400), kept as its text. desk takes none
    anywhere (amounts are written as strings, years and counts are integers), so it never becomes a
    float: the field that receives it refuses it with its own message, naming the field."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text[:40]

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__


def _fraction(text: str) -> JsonFraction:
    return JsonFraction(text)


def _constant(name: str):
    raise JsonTextError(f"中有 JSON 不允许的 {name}，应填写具体的数值")


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
