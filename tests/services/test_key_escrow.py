"""Issue 11, item 2: the keys backed up separately (a passphrase-protected copy) and restorable by an
administrator where the key file is missing: a new PC, a deleted keys/ folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desk.core.errors import PermissionDenied, ValidationError
from desk.services import enrolment, key_escrow, persons, vouchers
from desk.services.context import Desk
from desk.services.keys import KeysProblem
from tests.conftest import person_form

PASSPHRASE = "大理医保窗口密钥2026"
APPLICATION_SCRYPT = dict(key_escrow.SCRYPT)  # before the fixture below lowers it
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch):
    monkeypatch.setattr(key_escrow, "SCRYPT", {"n": 2**12, "r": 8, "p": 1})  # the cost itself: see the last test


def issued(desk, clerk):
    person = persons.register_person(desk, clerk, person_form())
    return enrolment.enrol(desk, clerk, person_id=person.id, year=2026, paid_on=desk.today()).receipt


def test_lost_keys_come_back_from_the_administrator_s_copy(desk, staff, tmp_path):
    receipt = issued(desk, staff["clerk"])
    copy = key_escrow.export_keys(desk, staff["admin"], tmp_path / "密钥副本.json", PASSPHRASE)
    text = copy.read_text(encoding="utf-8")
    assert desk.keys.voucher_key not in text and desk.keys.audit_key.hex() not in text  # sealed, not readable
    path = desk.path
    desk.close()
    shutil.rmtree(path.parent / "keys")  # a new PC, or keys/ deleted
    with pytest.raises(KeysProblem):
        Desk.open(path)
    key_escrow.import_keys(path, "admin", "Admin2026", copy, PASSPHRASE)
    reopened = Desk.open(path)
    try:
        assert vouchers.verify(reopened, receipt.number, receipt.code).genuine
        from desk.services.integrity import check_database

        assert check_database(reopened).sound
        actions = [row[0] for row in reopened.db.execute("SELECT action FROM audit_log ORDER BY id")]
        assert actions[-1] == "keys.import" and "keys.export" in actions
    finally:
        reopened.close()


def test_a_wrong_passphrase_or_another_database_s_copy_is_refused(desk, staff, tmp_path, clock):
    copy = key_escrow.export_keys(desk, staff["admin"], tmp_path / "copy.json", PASSPHRASE)
    path = desk.path
    desk.close()
    shutil.rmtree(path.parent / "keys")
    with pytest.raises(key_escrow.KeyCopyError, match="口令不正确"):
        key_escrow.import_keys(path, "admin", "Admin2026", copy, PASSPHRASE + "x")
    other_folder = tmp_path / "other"
    other_folder.mkdir()
    other = Desk.open(other_folder / "desk.db", clock=clock)
    from desk.services import operators

    admin = operators.create_first_administrator(other, username="admin", display_name="赵管理", password="Admin2026")
    other_copy = key_escrow.export_keys(other, admin, tmp_path / "other.json", PASSPHRASE)
    other.close()
    with pytest.raises(key_escrow.KeyCopyError, match="属于另一个数据库"):
        key_escrow.import_keys(path, "admin", "Admin2026", other_copy, PASSPHRASE)
    tampered = json.loads(copy.read_text(encoding="utf-8"))
    tampered["sealed"] = tampered["sealed"][:-8] + "AAAAAAA="
    (tmp_path / "tampered.json").write_text(json.dumps(tampered), encoding="utf-8")
    with pytest.raises(key_escrow.KeyCopyError):
        key_escrow.import_keys(path, "admin", "Admin2026", tmp_path / "tampered.json", PASSPHRASE)
    with pytest.raises(key_escrow.KeyCopyError, match="用户名或密码不正确"):
        key_escrow.import_keys(path, "admin", "wrong", copy, PASSPHRASE)
    assert not (path.parent / "keys").exists() or not list((path.parent / "keys").glob("*.key"))


def test_only_an_administrator_exports_with_a_long_passphrase_and_nothing_is_replaced(desk, staff, tmp_path):
    with pytest.raises(PermissionDenied):
        key_escrow.export_keys(desk, staff["clerk"], tmp_path / "a.json", PASSPHRASE)
    with pytest.raises(ValidationError, match="至少12个字符"):
        key_escrow.export_keys(desk, staff["admin"], tmp_path / "a.json", "short")
    copy = key_escrow.export_keys(desk, staff["admin"], tmp_path / "a.json", PASSPHRASE)
    with pytest.raises(ValidationError, match="已存在"):
        key_escrow.export_keys(desk, staff["admin"], copy, PASSPHRASE)
    with pytest.raises(key_escrow.KeyCopyError, match="已经存在"):
        key_escrow.import_keys(desk.path, "admin", "Admin2026", copy, PASSPHRASE)


def test_the_command_line(desk, staff, tmp_path):
    path = desk.path
    desk.close()
    target = tmp_path / "copy.json"
    env_run = dict(capture_output=True, text=True, cwd=REPO, timeout=300)
    done = subprocess.run([sys.executable, "-m", "desk", "keys", "export", str(target), "--user", "admin", "--db",
                           str(path)], input=f"Admin2026\n{PASSPHRASE}\n", **env_run)
    assert done.returncode == 0, done
    assert json.loads(done.stdout)["exported"] == str(target)
    shutil.rmtree(path.parent / "keys")
    done = subprocess.run([sys.executable, "-m", "desk", "keys", "import", str(target), "--user", "admin", "--db",
                           str(path)], input="Admin2026\nwrong passphrase\n", **env_run)
    assert done.returncode == 1 and "口令不正确" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run([sys.executable, "-m", "desk", "keys", "import", str(target), "--user", "admin", "--db",
                           str(path)], input=f"Admin2026\n{PASSPHRASE}\n", **env_run)
    assert done.returncode == 0, done
    Desk.open(path).close()


def test_the_passphrase_costs_what_the_rules_say():
    assert APPLICATION_SCRYPT == {"n": 2**17, "r": 8, "p": 1}  # the tests above derive with less, for speed


def test_an_edited_installation_id_cannot_point_outside_keys(desk, staff, tmp_path):
    """Found by an attack: installation_id "x/../../victim/owned" made desk write a key file elsewhere."""
    import sqlite3

    path = desk.path
    desk.close()
    connection = sqlite3.connect(path)
    connection.execute("DELETE FROM settings WHERE key = 'keys_created'")
    connection.execute("""UPDATE settings SET value = '"x/../../victim/owned"' WHERE key = 'installation_id'""")
    connection.commit()
    connection.close()
    with pytest.raises(KeysProblem, match="安装编号"):
        Desk.open(path)
    assert not list(tmp_path.rglob("owned*"))


def test_a_huge_or_deeply_nested_copy_is_refused_without_a_traceback(desk, staff, tmp_path):
    path = desk.path
    desk.close()
    shutil.rmtree(path.parent / "keys")
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 60000, encoding="utf-8")
    with pytest.raises(key_escrow.KeyCopyError):
        key_escrow.import_keys(path, "admin", "Admin2026", nested, PASSPHRASE)
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (key_escrow.MAX_COPY_BYTES + 10))
    with pytest.raises(key_escrow.KeyCopyError, match="太大"):
        key_escrow.import_keys(path, "admin", "Admin2026", huge, PASSPHRASE)
