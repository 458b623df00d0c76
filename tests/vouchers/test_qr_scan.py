"""The QR code on a printed voucher scans back to NUMBER|CODE: the page is rendered to an image
(pdftoppm) and decoded (zbarimg), as a counter's scanner would read the paper."""

import os
import shutil
import subprocess
import sys

import pytest

from desk.vouchers.documents import render_voucher
from desk.vouchers.samples import SAMPLES

TOOLS = shutil.which("pdftoppm") and shutil.which("zbarimg")


# CI on Linux installs both tools, so there a missing tool fails the test; the run on the Windows
# interpreter under Wine has no Windows builds of them
@pytest.mark.skipif(not TOOLS and (not os.environ.get("CI") or sys.platform == "win32"),
                    reason="pdftoppm and zbarimg not installed")
@pytest.mark.parametrize("doc_type", ["enrolment_receipt", "settlement_statement", "transfer_receipt"])
def test_the_printed_qr_code_scans_back(tmp_path, doc_type):
    payload, meta = SAMPLES[doc_type]
    pdf = tmp_path / "voucher.pdf"
    pdf.write_bytes(render_voucher(doc_type, payload, meta))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    [image] = tmp_path.glob("page*.png")
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True, encoding="utf-8")
    assert scanned.stdout.strip() == f"{meta.number}|{meta.code}"
