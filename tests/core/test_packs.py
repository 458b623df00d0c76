"""Pack files: the four bundled packs load; a broken file is reported by file, key and problem
and stops only that pack."""

import shutil
from decimal import Decimal

import pytest

from desk.core.packs import PackError, PackNotConfigured, PackRegistry, load_pack_file
from desk.resources import resource_path

POLICIES = resource_path("policies")


def test_the_four_bundled_packs_load_without_errors():
    registry = PackRegistry.load_directory(POLICIES)
    assert registry.errors == []
    assert set(registry.packs) == {"dali-resident-2025", "huaibei-resident-2025", "huaibei-employee-2025", "chuxiong-resident-2021"}


def test_values_carry_source_and_status():
    dali = PackRegistry.load_directory(POLICIES).get("dali-resident-2025")
    for section, key, _value, source, status in dali.provenance_rows():
        assert source and status in ("confirmed", "provisional"), (section, key)
    chronic = dali.section("chronic_outpatient")
    assert chronic["disease_annual_cap"] == Decimal("1200.00")
    assert chronic.is_provisional("disease_annual_cap") and not chronic.is_provisional("rate")
    assert dali.section("inpatient")["levels"]["level2"] == {"deductible": Decimal("400.00"), "rate": Decimal("0.75")}
    assert [s["rate"] for s in dali.section("critical_illness")["segments"]] == [Decimal(x) for x in ("0.60", "0.70", "0.80", "0.85")]
    assert len(dali.section("diseases")["chronic"]) == 14 and len(dali.section("diseases")["special"]) == 17


def test_absent_means_absent():
    huaibei = PackRegistry.load_directory(POLICIES).get("huaibei-resident-2025")
    assert not huaibei.has("inpatient") and not huaibei.has("medical_assistance")
    with pytest.raises(PackNotConfigured):
        huaibei.section("inpatient")


def broken_copy(tmp_path, old: str, new: str, name: str = "dali-resident-2025.toml"):
    for path in POLICIES.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / name
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "old, new, key, problem",
    [
        ('rate = "0.60"\ndisease_annual_cap', 'rate = "1.60"\ndisease_annual_cap', "chronic_outpatient.rate", "超出 0 到 1"),
        ("annual_deductible = ", "annual_deductable = ", "special_outpatient.annual_deductable", "未知的键"),
        (
            'source = "seed 000_3eb0c7921426ffea.txt（住院）"\n',
            "",
            "inpatient.source",
            "缺少来源",
        ),
        ('status = "confirmed"\nannual_cap = "100000.00"', 'status = "maybe"\nannual_cap = "100000.00"', "inpatient.status",
         "confirmed 或 provisional"),
        ('{ from = "50000.00", to = "100000.00"', '{ from = "60000.00", to = "100000.00"', "critical_illness.segments[1]", "分段顺序不对"),
        ('2026 = "400.00"', '2026 = 400.00', "contribution.individual.2026", "字符串"),
        ('2026 = "400.00"', '2026 = "400.005"', "contribution.individual.2026", "最多两位小数"),
        ('village = "0.50"', 'hospital = "0.50"', "general_outpatient.rates.hospital", "医疗机构等级"),
        ('{ code = "M04600"', '{ code = "X04600"', "diseases.chronic[2].code", "M 加5位数字"),
        ('exempt_groups = ["tekun"', 'exempt_groups = ["tekunn"', "waiting_period.exempt_groups", "未在 subsidies.groups"),
    ],
)
def test_a_broken_pack_is_reported_by_file_key_and_problem(tmp_path, old, new, key, problem):
    registry = PackRegistry.load_directory(broken_copy(tmp_path, old, new))
    assert "dali-resident-2025" not in registry.packs
    assert len(registry.packs) == 3  # the others keep working
    [error] = registry.errors
    assert (error.file, error.key) == ("dali-resident-2025.toml", key)
    assert problem in error.problem
    assert "dali-resident-2025.toml" in error.message and key in error.message
    with pytest.raises(PackNotConfigured, match="校验未通过"):
        registry.get("dali-resident-2025")


def test_malformed_toml_and_id_mismatch(tmp_path):
    bad = tmp_path / "x.toml"
    bad.write_text("id = [", encoding="utf-8")
    with pytest.raises(PackError, match="不是有效的 TOML"):
        load_pack_file(bad)
    renamed = tmp_path / "other.toml"
    renamed.write_text((POLICIES / "huaibei-resident-2025.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PackError, match="与文件名"):
        load_pack_file(renamed)
