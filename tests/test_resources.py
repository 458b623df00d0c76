"""The resources locator: source checkout, installed wheel (also the Windows --target layout),
frozen build; a clear error naming every place looked at when none holds the resources."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desk import resources
from desk.resources import ResourcesNotFound, candidate_dirs, locate, resource_path


def make_resources(folder: Path) -> Path:
    for name in resources.EXPECTED_SUBFOLDERS:
        (folder / name).mkdir(parents=True)
    return folder


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A fake desk/ package folder in tmp; the import system's answer is left out."""
    package_dir = tmp_path / "site-packages" / "desk"
    package_dir.mkdir(parents=True)
    monkeypatch.setattr(resources, "PACKAGE_DIR", package_dir)
    monkeypatch.setattr(resources, "_import_system_dirs", list)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.delattr(sys, "frozen", raising=False)
    return package_dir


def test_this_checkout_finds_its_resources_folder():
    assert resource_path("policies", "dali-resident-2025.toml").is_file()
    assert resource_path("fonts", "wqy-microhei.ttc").is_file()


def test_installed_wheel_uses_desk_resources(package):
    installed = make_resources(package / "_resources")
    assert locate(candidate_dirs()) == installed


def test_installed_wheel_wins_over_a_stray_resources_folder_in_site_packages(package):
    make_resources(package.parent / "resources")
    installed = make_resources(package / "_resources")
    assert locate(candidate_dirs()) == installed


def test_a_folder_without_the_expected_subfolders_does_not_count(package):
    (package.parent / "resources" / "images").mkdir(parents=True)
    (package / "_resources" / "policies").mkdir(parents=True)
    with pytest.raises(ResourcesNotFound):
        locate(candidate_dirs())


def test_source_checkout_uses_resources_beside_the_package(package):
    checkout = make_resources(package.parent / "resources")
    assert locate(candidate_dirs()) == checkout


def test_frozen_build_uses_meipass(package, tmp_path, monkeypatch):
    make_resources(package / "_resources")
    frozen = make_resources(tmp_path / "_internal" / "resources")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    assert locate(candidate_dirs()) == frozen


def test_nothing_found_names_every_place_looked_at(package):
    with pytest.raises(ResourcesNotFound) as raised:
        locate(candidate_dirs())
    message = raised.value.message
    assert str(package / "_resources") in message and str(package.parent / "resources") in message
    assert "policies" in message
