"""`desk export`, `desk export verify` and `desk export ack` as real processes (issue 14, item 2):
exit statuses, JSON on stdout, one Chinese line on stderr, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desk.demo import create_demo_database

REPO = Path(__file__).resolve().parents[2]


def run(*args, stdin: str = ""):
    return subprocess.run([sys.executable, "-m", "desk", *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=REPO)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    create_demo_database(folder / "desk.db", persons=12)
    return folder


@pytest.fixture
def db(template, tmp_path) -> Path:
    shutil.copytree(template, tmp_path / "office")
    (tmp_path / "outbox").mkdir()
    return tmp_path / "office" / "desk.db"


def _export(db: Path, *, user: str = "admin", password: str = "Admin2026"):
    return run("export", "--out", str(db.parent.parent / "outbox"), "--user", user, "--db", str(db),
               stdin=password + "\n")


def test_export_writes_the_next_batch_then_says_nothing_is_new(db):
    done = _export(db)
    assert done.returncode == 0, done.stderr
    batch = json.loads(done.stdout)
    assert batch["batch"] == 1 and batch["records"] == sum(batch["counts"].values()) > 0
    assert Path(batch["directory"], "manifest.json").is_file()
    again = _export(db)
    assert again.returncode == 0 and json.loads(again.stdout)["batch"] is None
    assert "没有新的记录" in json.loads(again.stdout)["message"]
    assert len(list((db.parent.parent / "outbox").iterdir())) == 1


def test_verify_answers_zero_for_a_sound_batch_and_one_naming_what_is_wrong(db):
    folder = json.loads(_export(db).stdout)["directory"]
    done = run("export", "verify", folder, "--db", str(db))
    assert done.returncode == 0 and json.loads(done.stdout)["sound"] is True
    Path(folder, "filing_event.jsonl").unlink()
    done = run("export", "verify", folder, "--db", str(db))
    assert done.returncode == 1
    assert json.loads(done.stdout)["problems"][0].startswith("缺少文件 filing_event.jsonl")
    assert "缺少文件" in done.stderr and "Traceback" not in done.stderr
    done = run("export", "verify", str(db.parent / "nothing"), "--db", str(db))
    assert done.returncode == 2 and done.stdout == "" and "不存在" in done.stderr


def test_ack_records_the_platforms_answer(db, tmp_path):
    folder = Path(json.loads(_export(db).stdout)["directory"])
    first = json.loads((folder / "enrolment.jsonl").read_text(encoding="utf-8").splitlines()[0])["rec_id"]
    ack = tmp_path / "回执.json"
    ack.write_text(json.dumps({"format": "desk-export-ack-1", "batch_seq": 1, "accepted": [],
                               "refused": [{"rec_id": first, "code": "E0203", "reason": "参保地与平台记录不一致"}]},
                              ensure_ascii=False), encoding="utf-8")
    done = run("export", "ack", str(ack), "--user", "admin", "--db", str(db), stdin="Admin2026\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) | {"message": ""} == {"batch": 1, "accepted": 0, "refused": 1, "already": 0,
                                                        "waiting": json.loads(done.stdout)["waiting"],
                                                        "repeated_file": False, "message": ""}
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "desk-export-ack-1", "batch_seq": 1, "accepted": ["person_version:99999"]}',
                   encoding="utf-8")
    done = run("export", "ack", str(bad), "--user", "admin", "--db", str(db), stdin="Admin2026\n")
    assert done.returncode == 2 and done.stdout == ""
    assert "不属于第 1 批" in done.stderr and "Traceback" not in done.stderr


def test_a_wrong_password_or_a_clerk_is_refused_with_exit_one_and_nothing_written(db):
    done = _export(db, password="wrong")
    assert done.returncode == 1 and done.stdout == "" and "密码" in done.stderr
    done = _export(db, user="clerk01", password="Clerk2026")
    assert done.returncode == 1 and "数据上报" in done.stderr
    assert list((db.parent.parent / "outbox").iterdir()) == []


def test_a_missing_out_folder_is_bad_input(db):
    done = run("export", "--out", str(db.parent / "nowhere"), "--user", "admin", "--db", str(db), stdin="Admin2026\n")
    assert done.returncode == 2 and "--out" in done.stderr and "不存在" in done.stderr
    done = run("export", "--user", "admin", "--db", str(db), stdin="Admin2026\n")
    assert done.returncode == 2 and "--out" in done.stderr
    (db.parent / "a-file").write_text("x", encoding="utf-8")
    done = run("export", "--out", str(db.parent / "a-file"), "--user", "admin", "--db", str(db), stdin="Admin2026\n")
    assert done.returncode == 2 and "是一个文件，不是文件夹" in done.stderr and "不存在" not in done.stderr


def test_the_key_handed_to_the_platform_verifies_a_manifest_without_desk(db):
    import hashlib
    import hmac

    folder = Path(json.loads(_export(db).stdout)["directory"])
    done = run("export", "key", "--user", "admin", "--db", str(db), stdin="Admin2026\n")
    assert done.returncode == 0, done.stderr
    key = bytes.fromhex(json.loads(done.stdout)["export_key"])
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    body = json.dumps({k: v for k, v in manifest.items() if k != "hmac"}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")
    assert hmac.new(key, body, hashlib.sha256).hexdigest() == manifest["hmac"]
    manifest["records_total"] += 1  # what the platform's check then catches
    body = json.dumps({k: v for k, v in manifest.items() if k != "hmac"}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")
    assert hmac.new(key, body, hashlib.sha256).hexdigest() != manifest["hmac"]
    done = run("export", "key", "--user", "clerk01", "--db", str(db), stdin="Clerk2026\n")
    assert done.returncode == 1 and done.stdout == "" and "数据上报" in done.stderr


def test_ack_without_an_operator_is_refused_in_chinese(db, tmp_path):
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    done = run("export", "ack", str(tmp_path / "a.json"), "--db", str(db))
    assert done.returncode == 1 and "--user" in done.stderr and "Traceback" not in done.stderr


def test_options_before_the_subcommand_count_too(db):
    folder = json.loads(_export(db).stdout)["directory"]
    done = run("export", "--db", str(db), "verify", folder)
    assert done.returncode == 0 and json.loads(done.stdout)["sound"] is True
