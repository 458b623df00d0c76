"""Odd digits typed into the GUI (issue 11): a superscript or a 5,000-digit number in a number field is
refused beside the field, never an exception in the form; full-width digits are read as their digits."""

from __future__ import annotations

from PySide6.QtCore import Qt

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def test_settings_odd_digits_are_refused_beside_the_field(qtbot, desk, staff, admin_window, keyboard):
    _window, _panel, page = admin_window("settings")
    for typed in ("²", "9" * 5000, "\u0664"):
        page.fields["max_failed_logins"].setText(typed)
        page.fields["max_failed_logins"].setFocus()
        keyboard.press(Key.Key_S, CTRL)
        assert page.errors.message("max_failed_logins") == "密码错误锁定次数应为3到10次。"
        assert desk.setting("max_failed_logins") != typed


def test_settings_full_width_digits_are_read(qtbot, desk, staff, admin_window, keyboard):
    _window, _panel, page = admin_window("settings")
    page.fields["idle_lock_minutes"].setText("１５")
    page.fields["max_failed_logins"].setText("４")
    page.fields["max_failed_logins"].setFocus()
    keyboard.press(Key.Key_S, CTRL)
    assert "设置已保存" in page.bar.text()
    assert (desk.setting("idle_lock_minutes"), desk.setting("max_failed_logins")) == (15, 4)
