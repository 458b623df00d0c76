"""What a failed file operation is called in a message: Chinese, never the operating system's English."""

import errno

import pytest

from desk.core.errors import os_reason


@pytest.mark.parametrize(("error", "reason"), [
    (FileNotFoundError(errno.ENOENT, "No such file or directory"), "文件或文件夹不存在"),
    (PermissionError(errno.EACCES, "Permission denied"), "没有权限"),
    (IsADirectoryError(errno.EISDIR, "Is a directory"), "这是一个文件夹，不是文件"),
    (OSError(errno.ENOSPC, "No space left on device"), "磁盘空间已满"),
    (OSError(errno.EROFS, "Read-only file system"), "磁盘是只读的"),
    (OSError(errno.ENOTDIR, "Not a directory"), "路径中有一项不是文件夹"),
    (OSError(9999, "Something new"), "系统错误 9999"),
    (OSError("no errno at all"), "系统错误"),
    (OSError("打印机不可用"), "打印机不可用"),  # desk's own words
    (OSError(9998, "设备未就绪。"), "设备未就绪。"),  # a Chinese Windows' own text
    (ValueError("not an OS error"), "系统错误"),
])
def test_the_reason_is_chinese(error, reason):
    assert os_reason(error) == reason


def test_a_windows_sharing_violation_says_another_program_has_the_file():
    error = OSError(errno.EACCES, "The process cannot access the file")
    error.winerror = 32
    assert os_reason(error) == "正被其他程序使用（请先关闭打开它的程序）"
