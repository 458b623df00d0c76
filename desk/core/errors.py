"""The one error family of desk.

Every refusal the clerk sees is a `DeskError` (or a subclass) carrying a Chinese message.
Form validation collects all problems at once as `Problem`s inside a `ValidationError`.
"""

from __future__ import annotations

from dataclasses import dataclass


class DeskError(Exception):
    """操作未能完成，请检查输入后重试。"""

    code = "desk_error"
    # False for a refusal that is nobody's typing mistake (e.g. a year whose standard an administrator
    # has not entered yet): screens show it as a notice and leave the field unmarked
    marks_field = True

    def __init__(self, message: str | None = None, *, field: str | None = None):
        self.message = message or (self.__doc__ or "").strip()
        self.field = field
        super().__init__(self.message)


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str


class ValidationError(DeskError):
    """输入有误，请按提示修改后再提交。"""

    code = "validation"

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        first = self.problems[0] if self.problems else None
        text = "；".join(p.message for p in self.problems) or None
        super().__init__(text, field=first.field if first else None)

    @classmethod
    def single(cls, field: str, code: str, message: str) -> ValidationError:
        return cls([Problem(field, code, message)])


class NotFound(DeskError):
    """没有找到所要的记录。"""

    code = "not_found"


class Refused(DeskError):
    """业务规则不允许这一操作。"""

    code = "refused"


class PermissionDenied(DeskError):
    """当前操作员没有这一操作的权限。"""

    code = "permission"


# what the operating system said, in words a clerk reads (its own text is English on Linux and Wine)
_OS_REASONS = {
    "ENOENT": "文件或文件夹不存在", "EACCES": "没有权限", "EPERM": "没有权限", "EISDIR": "这是一个文件夹，不是文件",
    "ENOTDIR": "路径中有一项不是文件夹", "ENOSPC": "磁盘空间已满", "EDQUOT": "磁盘配额已满", "EROFS": "磁盘是只读的",
    "EEXIST": "同名的文件已存在", "EBUSY": "正被其他程序使用", "ENAMETOOLONG": "文件名太长", "EINVAL": "文件名无效",
    "EIO": "读写磁盘出错", "EMFILE": "打开的文件太多", "ETXTBSY": "正被其他程序使用",
}
_WINDOWS_REASONS = {5: "没有权限", 32: "正被其他程序使用（请先关闭打开它的程序）", 33: "正被其他程序锁定",
                    112: "磁盘空间已满", 123: "文件名无效", 206: "文件名太长"}


def os_reason(error: BaseException) -> str:
    """The reason of a failed file operation in Chinese (none of the OS's English), for a message."""
    import errno

    if isinstance(error, OSError):
        winerror = getattr(error, "winerror", None)
        if winerror in _WINDOWS_REASONS:
            return _WINDOWS_REASONS[winerror]
        name = errno.errorcode.get(error.errno or 0, "")
        if name in _OS_REASONS:
            return _OS_REASONS[name]
        said = error.strerror if error.errno else str(error)
        if said and not said.isascii():  # desk's own words (e.g. 打印机不可用), or a Chinese Windows' text
            return said
        return f"系统错误 {error.errno}" if error.errno else "系统错误"
    return "系统错误"
