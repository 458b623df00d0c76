"""凭证核验: a scanner types the QR content "NUMBER|CODE" (then Enter), or the clerk types the
number and code; the dialog says whether the paper is genuine and what it should say."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk.core.idnumber import mask_id_number
from desk.services import vouchers
from desk.services.context import Desk, Operator
from desk.ui.errors import FieldErrors, MessageBar, run_action
from desk.ui.pdf_preview import PdfPreviewDialog
from desk.ui.widgets import FormGrid, action_button, hint_label, shortcut

# What a voucher's stored fields mean on paper, in the order the paper shows them (display only).
FIELD_ORDER = (
    ("name", "姓名"), ("sex", "性别"), ("id_type", "证件类型"), ("id_number", "证件号码"),
    ("personal_number", "个人编号"), ("scheme_name", "险种"), ("year", "待遇年度"), ("region_name", "参保地"),
    ("groups_applied", "资助类别"), ("groups_not_applicable", "未适用资助类别"), ("individual", "个人缴费标准"),
    ("subsidy", "财政资助"), ("payable", "应缴金额"), ("paid_on", "缴费日期"), ("benefit_start", "待遇开始日期"),
    ("reason", "说明"), ("periods", "参保期间"), ("issuing_office", "出具机构"), ("as_of", "截至日期"),
    ("provisional", "暂定项"), ("pack_id", "政策包"),
)
MONEY_KEYS = {"individual", "subsidy", "payable"}


def _flatten(payload: dict) -> dict:
    """Nested sections (person, enrolment, …) merged into one level; the first value of a key wins."""
    flat: dict = {}
    for key, value in payload.items():
        if isinstance(value, dict):
            for inner, item in _flatten(value).items():
                flat.setdefault(inner, item)
        else:
            flat.setdefault(key, value)
    return flat


def _entry(item) -> str:
    if not isinstance(item, dict):
        return str(item)
    if "from" in item and "to" in item:
        return f"{item.get('year', '')}年度 {item['from']} 至 {item['to']}，{item.get('status', '')}"
    if item.get("document"):
        return f"{item.get('name', '')}（证明文件 {item['document']}）"
    if item.get("reason"):
        return f"{item.get('name', '')}：{item['reason']}"
    return str(item.get("name", item))


def describe_payload(payload: dict) -> str:
    """What the paper should say, one line per field, in the paper's order (ID numbers masked)."""
    flat = _flatten(payload)
    lines = []
    for key, label in FIELD_ORDER:
        value = flat.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "id_number":
            value = mask_id_number(str(value))
        elif key in MONEY_KEYS:
            value = f"{value} 元"
            if key == "subsidy" and flat.get("subsidy_group_name"):
                value += f"（{flat['subsidy_group_name']}）"
        elif isinstance(value, list):
            value = "；".join(_entry(item) for item in value)
        lines.append(f"{label}：{value}")
    return "\n".join(lines)


class VerifyDialog(QDialog):
    def __init__(self, desk: Desk, operator: Operator, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk, self.operator = desk, operator
        self.result: vouchers.Verification | None = None
        self.setWindowTitle(self.tr("凭证核验"))
        self.resize(680, 720)
        self.errors = FieldErrors()
        self.bar = MessageBar()
        self.scan = QLineEdit()
        self.scan.setPlaceholderText(self.tr("扫描凭证右上角二维码，或输入“凭证编号|核验码”后按 Enter"))
        self.number = QLineEdit()
        self.number.setPlaceholderText(self.tr("例如 CB-20260310-0001"))
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("例如 ABCDE-FGHIJ"))
        form = FormGrid(self.errors, label_width=80)
        form.add_row(self.tr("扫描内容"), self.scan, "scan")
        form.add_row(self.tr("凭证编号"), self.number, "number")
        form.add_row(self.tr("核验码"), self.code, "code")
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("verifyMessage")
        self.content = QPlainTextEdit()
        self.content.setReadOnly(True)
        self.content.setPlaceholderText(self.tr("核验通过后，这里显示凭证上应有的内容。"))
        self.verify_button = action_button(self.tr("核验"), "Enter")
        self.verify_button.setProperty("primary", True)
        self.view_button = action_button(self.tr("查看凭证原样"), "Ctrl+O", self.tr("按系统记录显示这张凭证，便于与群众手中的纸张对照"))
        self.view_button.setEnabled(False)
        self.close_button = action_button(self.tr("关闭"), "Esc")
        self.preview = None
        self._lay_out(form)
        self.scan.returnPressed.connect(self.verify_scan)
        self.number.returnPressed.connect(self.code.setFocus)
        self.code.returnPressed.connect(self.verify_typed)
        self.verify_button.clicked.connect(self.verify_current)
        self.close_button.clicked.connect(self.reject)
        self.view_button.clicked.connect(self.view_voucher)
        shortcut(self, "Ctrl+O", self.view_voucher)
        self.scan.setFocus()

    def _lay_out(self, form: FormGrid) -> None:
        result_box = QGroupBox(self.tr("核验结果"))
        result_layout = QVBoxLayout(result_box)
        result_layout.addWidget(self.verdict)
        result_layout.addWidget(self.message)
        result_layout.addWidget(self.content, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.view_button)
        buttons.addStretch(1)
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(self.tr("扫码枪扫描后自动核验；也可手工输入凭证编号和核验码。")))
        layout.addWidget(self.bar)
        layout.addWidget(form)
        layout.addWidget(result_box, 1)
        layout.addLayout(buttons)

    def verify_current(self) -> None:
        if self.scan.text().strip():
            self.verify_scan()
        else:
            self.verify_typed()

    def verify_scan(self) -> None:
        def check():
            number, code = vouchers.parse_scan(self.scan.text())
            self.number.setText(number)
            self.code.setText(code)
            return vouchers.verify(self.desk, number, code)

        self._run(check)
        self.scan.selectAll()

    def verify_typed(self) -> None:
        self.scan.clear()
        self._run(lambda: vouchers.verify(self.desk, self.number.text(), self.code.text()))

    def _run(self, call) -> None:
        self.errors.clear()
        self.bar.clear_message()
        ok, result = run_action(call, bar=self.bar, fields=self.errors, parent=self)
        if ok:
            self.show_result(result)

    def show_result(self, result: vouchers.Verification) -> None:
        self.result = result
        self.verdict.setProperty("kind", "genuine" if result.genuine else "false")
        self.verdict.style().unpolish(self.verdict)
        self.verdict.style().polish(self.verdict)
        self.verdict.setText(self.tr("真实有效") if result.genuine else self.tr("核验未通过"))
        self.message.setText(result.message)
        self.view_button.setEnabled(result.genuine)
        if result.genuine:
            head = self.tr("{title}　编号 {number}\n出具时间 {at}　经办人 {who}　已打印 {n} 次\n\n").format(
                title=result.title, number=result.number, at=(result.created_at or "").replace("T", " "),
                who=result.operator_name, n=result.prints)
            self.content.setPlainText(head + describe_payload(result.payload or {}))
        else:
            self.content.clear()

    def view_voucher(self) -> None:
        """The voucher as the system would print it: what the paper in front of the clerk should look like."""
        if self.result is None or not self.result.genuine:
            return
        self.preview = PdfPreviewDialog(self.desk, self.operator, self.result.number, self,
                                        title=f"{self.result.title}　{self.result.number}")
        self.preview.open()
