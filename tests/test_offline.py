"""No code path opens a network connection: every socket connect is refused during a full
round of the app's work (services, CLI, vouchers, the GUI's start), and the test fails if one is tried."""

import socket
import subprocess
import sys
from datetime import date

import pytest

from desk.core.idnumber import make_id_number
from desk.services import enrolment, persons, vouchers
from tests.conftest import person_form


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"network connection attempted to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: refuse(None, a))
    return attempts


def test_the_guard_works(no_network):
    with pytest.raises(AssertionError):
        socket.create_connection(("127.0.0.1", 9))
    assert no_network


def test_business_round_opens_no_connection(no_network, desk, clerk):
    record = persons.register_person(desk, clerk, person_form(groups=[{"code": "dibao", "document": "低保证001"}]))
    result = enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 3, 10))
    pdf = vouchers.render(desk, result.receipt.number)
    certificate = enrolment.issue_certificate(desk, clerk, person_id=record.id)
    vouchers.render(desk, certificate.number)
    assert pdf.startswith(b"%PDF") and no_network == []


def test_gui_start_opens_no_connection(no_network, desk, staff, qtbot):
    from desk.ui.app import build_main_window

    window = build_main_window(desk, staff["clerk"])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert no_network == []


def test_cli_process_with_sockets_disabled(tmp_path):
    """The headless commands in a fresh interpreter whose socket module refuses to connect."""
    guard = (
        "import socket, sys\n"
        "def refuse(*a, **k):\n    raise SystemExit('network attempted')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "from desk.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    number = make_id_number("532901", date(1990, 1, 1), 123)
    for args in (["idcard", number], ["print-samples", str(tmp_path / "samples")]):
        done = subprocess.run([sys.executable, "-c", guard, *args], capture_output=True, text=True, encoding="utf-8",
                              timeout=120)
        assert done.returncode == 0, done.stderr
