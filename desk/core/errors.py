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
