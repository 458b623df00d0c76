from datetime import timedelta

import pytest

from desk.core.errors import PermissionDenied, Refused, ValidationError
from desk.services import operators


def test_first_start_creates_the_administrator_once(desk):
    assert operators.needs_first_administrator(desk)
    admin = operators.create_first_administrator(desk, username="admin", display_name="赵管理", password="Admin2026")
    assert admin.role == "admin" and not operators.needs_first_administrator(desk)
    with pytest.raises(Refused):
        operators.create_first_administrator(desk, username="admin2", display_name="又一个", password="Admin2026")


@pytest.mark.parametrize("password", ["short1", "abcdefgh", "12345678", ""])
def test_password_rules(desk, password):
    with pytest.raises(ValidationError) as caught:
        operators.create_first_administrator(desk, username="admin", display_name="赵管理", password=password)
    assert caught.value.problems[0].field == "password"


def test_passwords_are_stored_only_as_salted_slow_hashes(desk, staff):
    hashes = [row[0] for row in desk.db.execute("SELECT password_hash FROM operators")]
    assert all(h.startswith("scrypt$16384$8$1$") and "Clerk2026" not in h for h in hashes)
    assert len(set(hashes)) == len(hashes)


def test_a_reset_account_must_change_its_password(desk, staff):
    new = operators.create_operator(desk, staff["admin"], username="clerk09", display_name="新人", role="clerk", temporary_password="Temp2026")
    logged_in = operators.authenticate(desk, username="clerk09", password="Temp2026")
    assert logged_in.must_change_password
    changed = operators.change_password(desk, logged_in, old_password="Temp2026", new_password="Mine2026x")
    assert not changed.must_change_password
    assert not operators.authenticate(desk, username="clerk09", password="Mine2026x").must_change_password
    assert new.id == changed.id


def test_five_failures_lock_for_fifteen_minutes(desk, staff, clock):
    for attempt in range(1, 5):
        with pytest.raises(operators.LoginFailed, match=f"还可尝试{5 - attempt}次"):
            operators.authenticate(desk, username="clerk01", password="wrong")
    with pytest.raises(operators.LoginFailed, match="锁定15分钟"):
        operators.authenticate(desk, username="clerk01", password="wrong")
    with pytest.raises(operators.LoginFailed, match="已锁定至"):
        operators.authenticate(desk, username="clerk01", password="Clerk2026")  # right password, still locked
    clock.moment += timedelta(minutes=15, seconds=1)
    assert operators.authenticate(desk, username="clerk01", password="Clerk2026").username == "clerk01"
    failures = desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed'").fetchone()[0]
    assert failures == 6


def test_only_an_administrator_creates_operators(desk, staff):
    with pytest.raises(PermissionDenied):
        operators.create_operator(desk, staff["reviewer"], username="x1", display_name="某", role="clerk", temporary_password="Temp2026")
