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
    assert all(h.startswith(f"scrypt${operators.SCRYPT_N}$8$1$") and "Clerk2026" not in h for h in hashes)
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
    for _attempt in range(1, 6):
        with pytest.raises(operators.LoginFailed, match="用户名或密码不正确"):
            operators.authenticate(desk, username="clerk01", password="wrong")
    row = desk.db.execute("SELECT failed_attempts, locked_until FROM operators WHERE username = 'clerk01'").fetchone()
    assert row == (0, "2026-03-10T09:45:00")
    with pytest.raises(operators.LoginFailed, match="用户名或密码不正确"):
        operators.authenticate(desk, username="clerk01", password="Clerk2026")  # right password, still locked
    clock.moment += timedelta(minutes=15, seconds=1)
    assert operators.authenticate(desk, username="clerk01", password="Clerk2026").username == "clerk01"
    failures = desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed'").fetchone()[0]
    assert failures == 6


def _message(desk, username, password):
    with pytest.raises(operators.LoginFailed) as caught:
        operators.authenticate(desk, username=username, password=password)
    return caught.value.message


def test_the_login_does_not_tell_whether_a_username_exists(desk, staff, clock):
    unknown = _message(desk, "nobody99", "wrong")
    assert _message(desk, "clerk01", "wrong") == unknown  # a wrong password: word for word the same
    for _ in range(4):
        _message(desk, "clerk01", "wrong")
    # now locked: a wrong password, and even the right one, still say nothing more than for a stranger
    assert _message(desk, "clerk01", "wrong") == unknown
    assert _message(desk, "clerk01", "Clerk2026") == unknown
    assert "锁定" in unknown  # the message names the lockout for everyone alike


def test_a_disabled_account_is_told_only_after_its_right_password(desk, staff):
    operators.set_disabled(desk, staff["admin"], operator_id=staff["clerk"].id, disabled=True)
    assert _message(desk, "clerk01", "wrong") == _message(desk, "nobody99", "wrong")
    assert "已停用" in _message(desk, "clerk01", "Clerk2026")


def test_the_application_hashes_at_n_2_17_with_room_for_its_memory(desk, monkeypatch):
    from tests.conftest import APP_SCRYPT_N

    assert APP_SCRYPT_N == 2**17 and operators.SCRYPT_R == 8 and operators.SCRYPT_P == 1
    monkeypatch.setattr(operators, "SCRYPT_N", APP_SCRYPT_N)
    stored = operators.hash_password("Clerk2026")  # 128 MiB: beyond OpenSSL's default 32 MiB cap
    assert stored.startswith("scrypt$131072$8$1$")
    assert operators.password_matches("Clerk2026", stored) and not operators.password_matches("Clerk2027", stored)


def test_an_older_hash_logs_in_and_is_rehashed_at_2_17(desk, staff, monkeypatch):
    from desk.store import operators as store
    from tests.conftest import APP_SCRYPT_N

    monkeypatch.setattr(operators, "SCRYPT_N", 2**14)  # what desk stored before issue 11
    with desk.transaction():
        store.update_operator(desk.db, staff["clerk"].id, password_hash=operators.hash_password("Clerk2026"))
        store.update_operator(desk.db, staff["reviewer"].id, password_hash=operators.hash_password("Review2026"))
    old = desk.db.execute("SELECT password_hash FROM operators WHERE username = 'clerk01'").fetchone()[0]
    assert old.startswith("scrypt$16384$8$1$")
    monkeypatch.setattr(operators, "SCRYPT_N", APP_SCRYPT_N)
    operators.authenticate(desk, username="clerk01", password="Clerk2026")
    new = desk.db.execute("SELECT password_hash FROM operators WHERE username = 'clerk01'").fetchone()[0]
    assert new.startswith("scrypt$131072$8$1$") and new != old
    assert operators.authenticate(desk, username="clerk01", password="Clerk2026").username == "clerk01"
    assert desk.db.execute("SELECT password_hash FROM operators WHERE username = 'clerk01'").fetchone()[0] == new
    with pytest.raises(operators.LoginFailed):  # a wrong password never rehashes
        operators.authenticate(desk, username="review01", password="wrong")
    assert desk.db.execute("SELECT password_hash FROM operators WHERE username = 'review01'").fetchone()[0].startswith(
        "scrypt$16384$")


@pytest.mark.parametrize("stored", ["scrypt$1073741824$8$1$00$00", "scrypt$16385$8$1$00$00", "bcrypt$x", "", None])
def test_a_hash_written_by_hand_is_refused_without_exhausting_memory(stored):
    assert not operators.password_matches("Clerk2026", stored)


def test_wrong_passwords_at_the_screen_lock_count_with_the_logins(desk, staff, clock):
    clerk = staff["clerk"]
    for _ in range(2):
        _message(desk, "clerk01", "wrong")
    with pytest.raises(operators.UnlockFailed, match="还可尝试2次") as caught:
        operators.unlock(desk, clerk, "wrong")
    assert not caught.value.logged_out
    _message(desk, "clerk01", "wrong")
    with pytest.raises(operators.UnlockFailed, match="锁定15分钟") as caught:
        operators.unlock(desk, clerk, "wrong")  # the fifth on the one counter
    assert caught.value.logged_out
    details = [row[0] for row in desk.db.execute(
        "SELECT detail_json FROM audit_log WHERE action = 'login.failed' ORDER BY id")]
    assert len(details) == 5 and sum("screen lock" in d for d in details) == 2
    assert _message(desk, "clerk01", "Clerk2026") == _message(desk, "nobody99", "x")  # locked like any login
    with pytest.raises(operators.UnlockFailed, match="已锁定至") as caught:
        operators.unlock(desk, clerk, "Clerk2026")
    assert caught.value.logged_out
    clock.moment += timedelta(minutes=16)
    assert operators.unlock(desk, clerk, "Clerk2026") == clerk
    assert desk.db.execute("SELECT failed_attempts FROM operators WHERE id = ?", [clerk.id]).fetchone()[0] == 0


def test_the_right_password_unlocks_and_resets_the_counter(desk, staff):
    _message(desk, "clerk01", "wrong")
    assert operators.unlock(desk, staff["clerk"], "Clerk2026") == staff["clerk"]
    assert desk.db.execute("SELECT failed_attempts FROM operators WHERE id = ?", [staff["clerk"].id]).fetchone()[0] == 0
    assert desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'login.unlock'").fetchone()[0] == 1


def test_a_disabled_account_ends_its_session_at_the_screen_lock(desk, staff):
    from desk.services.context import SessionEnded

    operators.set_disabled(desk, staff["admin"], operator_id=staff["clerk"].id, disabled=True)
    with pytest.raises(operators.UnlockFailed):
        operators.unlock(desk, staff["clerk"], "wrong")
    with pytest.raises(SessionEnded, match="已停用"):
        operators.unlock(desk, staff["clerk"], "Clerk2026")


def test_only_an_administrator_creates_operators(desk, staff):
    with pytest.raises(PermissionDenied):
        operators.create_operator(desk, staff["reviewer"], username="x1", display_name="某", role="clerk", temporary_password="Temp2026")


def test_an_unknown_username_costs_the_same_scrypt_as_a_known_one(desk, staff, monkeypatch):
    calls = []
    real = operators._scrypt
    monkeypatch.setattr(operators, "_scrypt", lambda *args: calls.append(args[2:]) or real(*args))
    for username in ("nobody99", "clerk01"):
        with pytest.raises(operators.LoginFailed):
            operators.authenticate(desk, username=username, password="wrong")
    assert calls == [(operators.SCRYPT_N, 8, 1)] * 2


def test_hashing_never_holds_the_write_lock(desk, staff, monkeypatch):
    """scrypt takes about half a second at 2^17: a second app on the file must not wait for it."""
    real = operators._scrypt

    def checked(*args):
        assert not desk.db.conn.in_transaction
        return real(*args)

    monkeypatch.setattr(operators, "_scrypt", checked)
    operators.authenticate(desk, username="clerk01", password="Clerk2026")
    with pytest.raises(operators.LoginFailed):
        operators.authenticate(desk, username="clerk01", password="wrong")
    operators.create_operator(desk, staff["admin"], username="clerk07", display_name="新人", role="clerk",
                              temporary_password="Temp2026")
    operators.reset_password(desk, staff["admin"], operator_id=staff["clerk"].id, temporary_password="Temp2027")
    operators.change_password(desk, staff["clerk"], old_password="Temp2027", new_password="Mine2026x")
    operators.unlock(desk, staff["clerk"], "Mine2026x")


def test_the_administrators_list_of_accounts(desk, staff, clock):
    for _ in range(5):
        with pytest.raises(operators.LoginFailed):
            operators.authenticate(desk, username="clerk01", password="wrong2026")
    operators.set_disabled(desk, staff["admin"], operator_id=staff["reviewer"].id, disabled=True)
    listed = operators.list_operators(desk, staff["admin"])
    assert listed == [
        operators.OperatorAccount(staff["admin"].id, "admin", "赵管理", "admin", False, False, None),
        operators.OperatorAccount(staff["clerk"].id, "clerk01", "李娜", "clerk", False, False,
                                  clock() + timedelta(minutes=15)),
        operators.OperatorAccount(staff["reviewer"].id, "review01", "杨慧", "reviewer", True, False, None),
    ]
    with pytest.raises(PermissionDenied):
        operators.list_operators(desk, staff["clerk"])
