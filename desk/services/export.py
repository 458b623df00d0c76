"""The export outbox for the provincial platform (issue 14, item 2; docs/export.md).

`export_next_batch` writes every business record not yet exported as one batch (JSON Lines, one
file per kind, and a signed manifest) into a folder, and marks those records exported only once the
files are complete; `verify_batch` checks a batch folder; `load_ack` records the platform's answer;
`outbox_status` is what the administration page shows.

Fault safety: the files are written into a hidden folder beside the target
(`.desk-…-000007.partial-…`), each fsynced; then, inside one write transaction, the batch and its
marks are inserted, the hidden folder is renamed to its name and the transaction commits. Any failure
before the commit (a full disk, a folder that cannot be written, a refused commit) leaves no batch
folder and nothing marked. A process killed between the rename and the commit leaves a folder that
the database does not know: the next export moves it aside (`….未登记-时间`) and writes that number
again, so the outbox holds only batches the database has.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desk.core import export_format as fmt
from desk.core.errors import DeskError, Refused, ValidationError, os_reason
from desk.core.json_text import JsonTextError
from desk.core.json_text import loads as json_loads
from desk.services.context import Desk, Operator
from desk.store import audit as audit_store
from desk.store import exports as store
from desk.store import settings as settings_store

Progress = Callable[[int, int], bool]  # (records written, total) -> False to stop
CHUNK = 2000
ACK_BYTES = 20 * 1024 * 1024  # an acknowledgement file larger than this is refused unread
STALE_PARTIAL_SECONDS = 3600
# records in one batch at most: marking them holds the write lock (about 1 s a million on this machine),
# and the clerks' writes wait at most 10 s for it; the first export of a big office takes several batches
MAX_BATCH_RECORDS = 500_000
_FILE_NAME = re.compile(r"[a-z_]{1,40}\.jsonl")

STATE_NAMES = {"exported": "已导出", "confirmed": "已确认", "partly_confirmed": "部分确认", "partly_refused": "部分退回"}


class ExportCancelled(DeskError):
    """The administrator pressed 取消: no batch folder is left and nothing is marked exported."""


class ExportWriteFailed(DeskError):
    """The batch could not be written into the folder: nothing is marked exported."""

    code = "export_write"


@dataclass(frozen=True)
class BatchResult:
    seq: int | None  # None: nothing new to export
    directory: Path | None
    records: int
    counts: dict[str, int]
    audit_first: int | None
    audit_last: int | None
    set_aside: Path | None = None  # a folder of a killed export the database never registered, moved aside
    complete: bool = True  # False: the batch stopped at MAX_BATCH_RECORDS, more records wait for the next

    @property
    def message(self) -> str:
        if self.seq is None:
            return "没有新的记录需要导出（上一批之后没有新的业务记录）。"
        text = f"第 {self.seq} 批已导出：{self.records} 条记录，写在 {self.directory}。"
        if not self.complete:
            text += f"一批最多 {MAX_BATCH_RECORDS} 条，还有记录待导出：请再导出下一批。"
        if self.set_aside is not None:
            text += f"（文件夹中有一个未登记的同号批次，是之前中断的导出留下的，已改名为 {self.set_aside.name}，请不要上报它。）"
        return text

    def as_json(self) -> dict:
        return {"batch": self.seq, "directory": str(self.directory) if self.directory else None, "records": self.records,
                "counts": self.counts, "audit_first": self.audit_first, "audit_last": self.audit_last,
                "set_aside": str(self.set_aside) if self.set_aside else None, "complete": self.complete,
                "message": self.message}


def _installation(desk: Desk) -> str:
    return str(settings_store.get_setting(desk.db, "installation_id") or "none")


def _key(desk: Desk) -> bytes:
    return fmt.export_key(desk.keys.audit_key, _installation(desk))


def _office(desk: Desk) -> dict:
    try:
        region = desk.packs.get(desk.setting("default_pack")).region_code
    except DeskError:
        region = None
    return {"name": desk.setting("office_name"), "window": desk.setting("window"), "region": region,
            "installation": _installation(desk)}


def _write_problem(error: OSError, directory: Path) -> ExportWriteFailed:
    if error.errno == errno.ENOSPC:
        why = "磁盘空间已满，请腾出空间或换一个有空间的文件夹（U盘）后再导出"
    elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "没有写入这个文件夹的权限（或它是只读的），请换一个可以写入的文件夹"
    else:
        why = f"写入出错（{os_reason(error)}），请检查该文件夹或换一个文件夹"
    return ExportWriteFailed(f"上报批次无法写入文件夹 {directory}：{why}。本批没有登记为已导出，记录仍在待导出中。",
                             field="out")


def _fsync_directory(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; NTFS journals the rename
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_stale_partials(directory: Path) -> None:
    """Hidden folders of exports killed half-way (older than an hour; a running export's is younger)."""
    try:
        for entry in directory.iterdir():
            if entry.name.startswith(".desk-") and ".partial-" in entry.name and entry.is_dir() \
                    and time.time() - entry.stat().st_mtime > STALE_PARTIAL_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
    except OSError:
        pass


def _set_aside(final: Path, stamp: str) -> Path:
    """A folder with the next batch's name that the database never registered (an export killed after
    its rename): renamed aside, never deleted."""
    for number in range(1, 1000):
        aside = final.with_name(f"{final.name}.未登记-{stamp}" + (f"-{number}" if number > 1 else ""))
        if not aside.exists():
            os.rename(final, aside)
            return aside
    raise ExportWriteFailed(f"文件夹 {final.parent} 中未登记的批次太多，请整理后再导出。")


def export_next_batch(desk: Desk, operator: Operator, out_dir: Path | str, *, progress: Progress | None = None) -> BatchResult:
    """Write the next batch into `out_dir` (a folder that exists) and mark its records exported."""
    operator.require("data.export")
    out_dir = Path(out_dir).absolute()  # the batch row keeps where it went
    if not out_dir.is_dir():
        raise ValidationError.single("out", "missing", f"文件夹 {out_dir} 不存在，请先建立它或选择另一个文件夹。")
    _remove_stale_partials(out_dir)
    with store.snapshot(desk.db):
        previous = store.last_batch(desk.db)
        seq = store.next_batch_id(desk.db)
        audit_last = audit_store.last_entry_id(desk.db)
        audit_first = (previous["audit_first"] if not previous["complete"] else previous["audit_last"] + 1) \
            if previous else 1
        ranges = {kind: (store.watermark(desk.db, kind), store.highest(desk.db, kind)) for kind in store.SOURCES}
        counts = {kind: store.count_between(desk.db, kind, *ranges[kind]) for kind in store.SOURCES}
        cancellations = store.cancellations_waiting(desk.db)
        counts["enrolment_cancel"] = len(cancellations)
        counts = {kind.key: counts[kind.key] for kind in fmt.KINDS}
        if sum(counts.values()) == 0:
            return BatchResult(None, None, 0, counts, None, None)
        complete, cancellations = _limit(desk, ranges, counts, cancellations)
        total = sum(counts.values())
        name = fmt.directory_name(_installation(desk), seq)
        final = out_dir / name
        partial = out_dir / f".{name}.partial-{os.getpid()}-{secrets.token_hex(3)}"
        try:
            partial.mkdir()
            files = _write_files(desk, partial, ranges, cancellations, total, progress)
            manifest = {"format": fmt.FORMAT, "office": _office(desk), "batch_seq": seq, "directory": name,
                        "created_at": desk.timestamp(), "operator": operator.display_name,
                        "audit_first": audit_first, "audit_last": audit_last, "complete": complete,
                        "records_total": total,
                        "prev_manifest_sha256": previous["manifest_sha256"] if previous else None, "files": files}
            manifest["hmac"] = fmt.manifest_mac(_key(desk), manifest)
            manifest_bytes = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
            _write_file(partial / fmt.MANIFEST, manifest_bytes)
            _fsync_directory(partial)
        except OSError as error:
            shutil.rmtree(partial, ignore_errors=True)
            raise _write_problem(error, out_dir) from None
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    return _register(desk, operator, seq, previous, partial, final, manifest, manifest_bytes, ranges, cancellations)


def _register(desk: Desk, operator: Operator, seq: int, previous, partial: Path, final: Path, manifest: dict,
              manifest_bytes: bytes, ranges: dict, cancellations: list[dict]) -> BatchResult:
    """Mark the batch exported, the folder renamed to its name inside the same transaction."""
    set_aside, renamed = None, False
    counts = {entry["kind"]: entry["records"] for entry in manifest["files"]}
    try:
        with desk.transaction():
            latest = store.last_batch(desk.db)
            if (latest["id"] if latest else None) != (previous["id"] if previous else None):
                raise Refused("导出期间另一个窗口已导出了一批，本批没有登记；请再导出一次（会包含尚未导出的记录）。")
            store.insert_batch(desk.db, {
                "id": seq, "directory": str(final), "created_at": manifest["created_at"], "operator_id": operator.id,
                "audit_first": manifest["audit_first"], "audit_last": manifest["audit_last"],
                "counts_json": store.counts_json(counts), "records": manifest["records_total"],
                "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(), "complete": int(manifest["complete"])})
            for kind, (above, up_to) in ranges.items():
                store.mark_between(desk.db, seq, kind, above, up_to)
            store.mark_ids(desk.db, seq, "enrolment_cancel", [row["id"] for row in cancellations])
            desk.audit(operator, "export.batch", "export_batch", seq, {
                "directory": final.name, "records": manifest["records_total"], "counts": counts,
                "audit_first": manifest["audit_first"], "audit_last": manifest["audit_last"],
                "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest()})
            try:
                if final.exists():
                    set_aside = _set_aside(final, desk.now().strftime("%Y%m%d%H%M%S"))
                os.rename(partial, final)
                renamed = True
                _fsync_directory(final.parent)
            except OSError as error:
                raise _write_problem(error, final.parent) from None
    except BaseException:
        if renamed:
            try:
                os.rename(final, partial)
            except OSError:
                pass
        raise
    finally:
        if partial.exists():
            shutil.rmtree(partial, ignore_errors=True)
    return BatchResult(seq, final, manifest["records_total"], counts, manifest["audit_first"], manifest["audit_last"],
                       set_aside, manifest["complete"])


def _limit(desk: Desk, ranges: dict, counts: dict, cancellations: list[dict]) -> tuple[bool, list[dict]]:
    """At most MAX_BATCH_RECORDS records a batch, taken kind by kind in file order (so nothing refers to a
    record left for a later batch): the ranges and counts are cut in place. Returns (complete, the
    cancellations taken)."""
    room, cut = MAX_BATCH_RECORDS, False
    for kind in fmt.KINDS:
        take = min(counts[kind.key], room)
        if take < counts[kind.key]:
            cut = True
            if kind.key == "enrolment_cancel":
                cancellations = cancellations[:take]
            else:
                above = ranges[kind.key][0]
                ranges[kind.key] = (above, store.id_after(desk.db, kind.key, above, take) if take else above)
            counts[kind.key] = take
        room -= take
    return not cut, cancellations


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_files(desk: Desk, folder: Path, ranges: dict, cancellations: list[dict], total: int,
                 progress: Progress | None) -> list[dict]:
    done = 0
    if progress is not None and progress(0, total) is False:
        raise ExportCancelled("已取消导出，没有生成批次，记录仍在待导出中。")
    files = []
    for kind in fmt.KINDS:
        file_name = f"{kind.key}.jsonl"
        digest, count = hashlib.sha256(), 0
        build = fmt.BUILDERS[kind.key]
        chunks = [cancellations] if kind.key == "enrolment_cancel" else store.rows_between(
            desk.db, kind.key, *ranges[kind.key], chunk=CHUNK)
        with open(folder / file_name, "xb") as handle:
            for chunk in chunks:
                data = b"".join(fmt.line(build(row)) for row in chunk)
                handle.write(data)
                digest.update(data)
                count += len(chunk)
                done += len(chunk)
                if chunk and progress is not None and progress(done, total) is False:
                    raise ExportCancelled("已取消导出，没有生成批次，记录仍在待导出中。")
            handle.flush()
            os.fsync(handle.fileno())
        files.append({"kind": kind.key, "file": file_name, "records": count, "sha256": digest.hexdigest()})
    return files


def hand_over_key(desk: Desk, operator: Operator) -> dict:
    """The export key, for the administrator to give the provincial platform once (it verifies the
    manifests' HMAC with it; it cannot give back the audit key it is derived from). Audited."""
    operator.require("data.export")
    with desk.transaction():
        desk.audit(operator, "export.key", "keys", None, {"installation": _installation(desk)})
    return {"installation": _installation(desk), "office": desk.setting("office_name"),
            "export_key": _key(desk).hex(), "algorithm": "HMAC-SHA256",
            "derivation": f"HMAC-SHA256(audit key, \"desk-export-key-1|{_installation(desk)}\")"}


# ------------------------------------------------------------ verify


@dataclass(frozen=True)
class VerifyReport:
    directory: Path
    seq: int | None
    records: int
    problems: tuple[str, ...]

    @property
    def sound(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {"sound": self.sound, "directory": str(self.directory), "batch": self.seq, "records": self.records,
                "problems": list(self.problems)}


def verify_batch(desk: Desk, directory: Path | str) -> VerifyReport:
    """Check a batch folder: the manifest's HMAC (this database's export key), every file present with
    its SHA-256 and count of records, each line a record of its kind, nothing extra; and, for a batch
    this database registered, the manifest it registered. Names every problem in Chinese."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ValidationError.single("dir", "missing", f"{directory} 是一个文件，不是文件夹：请指定上报批次的文件夹（内有 manifest.json）。")
    if not directory.is_dir():
        raise ValidationError.single("dir", "missing", f"文件夹 {directory} 不存在，请指定一个上报批次的文件夹。")
    problems: list[str] = []
    manifest_path = directory / fmt.MANIFEST
    try:
        manifest_bytes = manifest_path.read_bytes()
        manifest = json_loads(manifest_bytes.decode("utf-8"))
        if not isinstance(manifest, dict):
            raise JsonTextError("不是一个 JSON 对象")
        json.dumps(manifest, ensure_ascii=False).encode("utf-8")  # an unpaired \ud800 escape cannot be signed
    except UnicodeEncodeError:
        return VerifyReport(directory, None, 0, (f"清单文件 {fmt.MANIFEST} 无法读取（有无效的字符：不成对的 Unicode 转义，"
                                                 "如 \\ud800），清单在导出后被改动过，批次不可用。",))
    except FileNotFoundError:
        return VerifyReport(directory, None, 0, (f"缺少清单文件 {fmt.MANIFEST}：这不是一个完整的上报批次。",))
    except (OSError, UnicodeDecodeError, JsonTextError) as error:
        return VerifyReport(directory, None, 0, (f"清单文件 {fmt.MANIFEST} 无法读取（{error}），批次不可用。",))
    seq = manifest.get("batch_seq") if isinstance(manifest.get("batch_seq"), int) else None
    if manifest.get("format") != fmt.FORMAT:
        problems.append(f"清单的格式标记不是 {fmt.FORMAT}，不是 desk 导出的上报批次。")
    office = manifest.get("office") if isinstance(manifest.get("office"), dict) else {}
    if office.get("installation") != _installation(desk):
        problems.append(f"这一批不是本数据库导出的（清单中的安装编号为 {office.get('installation')}，本数据库为"
                        f" {_installation(desk)}），无法用本数据库的密钥核对，请在导出它的电脑上核验。")
    elif not hmac.compare_digest(str(manifest.get("hmac", "")), fmt.manifest_mac(_key(desk), manifest)):
        problems.append("清单的 HMAC 校验值不符：清单在导出后被改动过（或不是用本办公室的密钥签的）。")
    files = manifest.get("files")
    listed: set[str] = set()
    total = 0
    if not isinstance(files, list):
        problems.append("清单中没有文件列表（files），无法核对。")
        files = []
    for entry in files:
        problems.extend(_verify_file(directory, entry, listed))
        if isinstance(entry, dict) and isinstance(entry.get("records"), int):
            total += entry["records"]
    if isinstance(manifest.get("records_total"), int) and manifest["records_total"] != total:
        problems.append(f"清单写的记录总数为 {manifest['records_total']} 条，各文件之和为 {total} 条。")
    extra = sorted(path.name for path in directory.iterdir() if path.name != fmt.MANIFEST and path.name not in listed)
    if extra:
        problems.append(f"文件夹中有清单未列出的文件：{'、'.join(extra[:10])}。")
    named = manifest.get("directory")
    if isinstance(named, str) and named != directory.name:
        problems.append(f"文件夹名“{directory.name}”与清单中的批次文件夹名“{named}”不同：文件夹在导出后被改名或复制过，"
                        f"请把它改回 {named} 再上报或核验。")
    if seq is not None and not problems:
        registered = store.get_batch(desk.db, seq)
        digest = hashlib.sha256(manifest_bytes).hexdigest()
        if registered is None:
            problems.append(f"本数据库没有登记第 {seq} 批（可能是中断的导出留下的文件夹），请不要上报它。")
        elif registered["manifest_sha256"] != digest:
            problems.append(f"清单与本数据库登记的第 {seq} 批不一致（不是同一次导出）。")
    return VerifyReport(directory, seq, total, tuple(problems))


def _verify_file(directory: Path, entry, listed: set[str]) -> list[str]:
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str) or not _FILE_NAME.fullmatch(entry["file"]):
        return [f"清单中有一项文件说明无法识别：{str(entry)[:80]}。"]
    name, kind = entry["file"], entry.get("kind")
    listed.add(name)
    path = directory / name
    if not path.is_file():
        return [f"缺少文件 {name}（清单列有 {entry.get('records')} 条记录）。"]
    problems = []
    digest, count, bad, seen = hashlib.sha256(), 0, [], set()
    try:
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                digest.update(raw)
                count += 1
                try:
                    record = json.loads(raw.decode("utf-8"))
                    ok = (isinstance(record, dict) and record.get("kind") == kind
                          and str(record.get("rec_id", "")).startswith(f"{kind}:") and record["rec_id"] not in seen)
                    seen.add(record.get("rec_id") if isinstance(record, dict) else None)
                except (UnicodeDecodeError, ValueError):
                    ok = False
                if not ok:
                    bad.append(number)
    except OSError as error:
        return [f"文件 {name} 无法读取（{os_reason(error)}）。"]
    if digest.hexdigest() != entry.get("sha256"):
        problems.append(f"文件 {name} 的 SHA-256 与清单不符：文件在导出后被改动过。")
    if count != entry.get("records"):
        problems.append(f"文件 {name} 有 {count} 条记录，清单写的是 {entry.get('records')} 条。")
    if bad:
        problems.append(f"文件 {name} 第 {'、'.join(str(n) for n in bad[:5])} 行不是一条有效的{fmt.KIND_NAMES.get(kind, kind)}记录"
                        "（格式、类别或记录号不对，或记录号重复）。")
    return problems


# ------------------------------------------------------------ acknowledgements


@dataclass(frozen=True)
class AckResult:
    seq: int
    accepted: int  # newly recorded
    refused: int  # newly recorded
    already: int  # answers this database had already
    waiting: int  # records of the batch still without an answer
    repeated_file: bool = False

    @property
    def message(self) -> str:
        if self.repeated_file:
            return f"这份回执已经登记过（第 {self.seq} 批），没有重复登记。"
        text = f"第 {self.seq} 批的回执已登记：接收 {self.accepted} 条，退回 {self.refused} 条"
        text += f"（另有 {self.already} 条此前已登记）" if self.already else ""
        return text + (f"；还有 {self.waiting} 条等待平台回执。" if self.waiting else "；本批每条记录都有了回执。")

    def as_json(self) -> dict:
        return {"batch": self.seq, "accepted": self.accepted, "refused": self.refused, "already": self.already,
                "waiting": self.waiting, "repeated_file": self.repeated_file, "message": self.message}


class AckFileRefused(DeskError):
    """The acknowledgement file cannot be used: nothing recorded; the message names every problem."""

    code = "ack_file"


def _ack_problem(problems: list[str], path: Path) -> AckFileRefused:
    shown = "；".join(problems[:8]) + (f"；另有 {len(problems) - 8} 处问题" if len(problems) > 8 else "")
    return AckFileRefused(f"回执文件 {path.name} 不能登记，什么都没有记录：{shown}。", field="ack")


def _read_ack(path: Path) -> tuple[bytes, dict]:
    try:
        size = path.stat().st_size
        if size > ACK_BYTES:
            raise _ack_problem([f"文件有 {size} 字节，超过 {ACK_BYTES // 1024 // 1024} MB"], path)
        data = path.read_bytes()
    except FileNotFoundError:
        raise AckFileRefused(f"回执文件 {path} 不存在。", field="ack") from None
    except OSError as error:
        raise AckFileRefused(f"回执文件 {path} 无法读取（{os_reason(error)}）。", field="ack") from None
    try:
        value = json_loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _ack_problem(["不是 UTF-8 编码的文本"], path) from None
    except JsonTextError as error:
        raise _ack_problem([f"内容{error}"], path) from None
    if not isinstance(value, dict):
        raise _ack_problem(["内容应为一个 JSON 对象"], path)
    try:  # a JSON escape such as \ud800 (half of a character) cannot be stored
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise _ack_problem(["内容中有无效的字符（如 \\ud800 这样不成对的 Unicode 转义），请平台重新生成回执文件"], path) from None
    return data, value


def _text(value, limit: int) -> str | None:
    return value.strip()[:limit] if isinstance(value, str) and value.strip() else None


def load_ack(desk: Desk, operator: Operator, path: Path | str) -> AckResult:
    """Record the platform's acknowledgement of a batch (format in docs/export.md). The whole file is
    checked first; any problem refuses it and records nothing. Answers already recorded are counted,
    not written again; an answer that contradicts one recorded refuses the file."""
    operator.require("data.export")
    path = Path(path)
    data, ack = _read_ack(path)
    digest = hashlib.sha256(data).hexdigest()
    problems: list[str] = []
    if ack.get("format") != fmt.ACK_FORMAT:
        problems.append(f"format 应为 \"{fmt.ACK_FORMAT}\"")
    seq = ack.get("batch_seq")
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise _ack_problem(problems + ["batch_seq（批次号）应为整数"], path)
    batch = store.get_batch(desk.db, seq)
    if batch is None:
        raise _ack_problem(problems + [f"本数据库没有第 {seq} 批（batch_seq）"], path)
    listed_sha = ack.get("manifest_sha256")
    if listed_sha is not None and (str(listed_sha).strip().lower() != batch["manifest_sha256"]):  # hex in either case
        problems.append(f"manifest_sha256 与本数据库登记的第 {seq} 批清单不符（回执不是对这一次导出的）")
    accepted, refused = ack.get("accepted", []), ack.get("refused", [])
    if not isinstance(accepted, list):
        problems.append("accepted 应为记录号的列表")
        accepted = []
    if not isinstance(refused, list):
        problems.append("refused 应为列表，每项含 rec_id、code、reason")
        refused = []
    if not accepted and not refused and not problems:
        problems.append("accepted 和 refused 都是空的，回执没有回答任何记录")
    members = store.batch_records(desk.db, seq)
    outcomes: dict[str, tuple[str, str | None, str | None]] = {}

    def take(rec, outcome: str, code, reason, where: str) -> None:
        if not isinstance(rec, str) or not rec:
            problems.append(f"{where}的记录号应为文字，例如 \"enrolment:12\"")
        elif rec not in members:
            problems.append(f"记录 {rec[:60]} 不属于第 {seq} 批")
        elif rec in outcomes:
            problems.append(f"记录 {rec} 在回执中出现了不止一次")
        else:
            outcomes[rec] = (outcome, code, reason)

    for number, rec in enumerate(accepted, start=1):
        take(rec, "accepted", None, None, f"accepted 第 {number} 项")
    for number, item in enumerate(refused, start=1):
        where = f"refused 第 {number} 项"
        if not isinstance(item, dict):
            problems.append(f"{where}应为含 rec_id、code、reason 的对象")
            continue
        reason = _text(item.get("reason"), 500)
        if reason is None:
            problems.append(f"{where}（{str(item.get('rec_id'))[:60]}）缺少退回原因 reason")
        code = item.get("code")
        if code is not None and not (isinstance(code, str | int) and 0 < len(str(code)) <= 32):
            problems.append(f"{where}的 code 应为不超过32个字符的代码")
        take(item.get("rec_id"), "refused", str(code) if code is not None else None, reason, where)
    recorded = store.answers(desk.db, list(outcomes))
    for rec, outcome in recorded.items():
        if outcome != outcomes[rec][0]:
            said = {"accepted": "接收", "refused": "退回"}
            problems.append(f"记录 {rec} 此前已登记为{said[outcome]}，这份回执却写为{said[outcomes[rec][0]]}")
    if problems:
        raise _ack_problem(problems, path)
    fresh = [(rec, *answer) for rec, answer in outcomes.items() if rec not in recorded]
    with desk.transaction():
        if store.ack_file(desk.db, digest) is not None:
            return AckResult(seq, 0, 0, len(outcomes), _waiting_in(desk, batch), repeated_file=True)
        if fresh:
            store.insert_ack(desk.db, {
                "sha256": digest, "batch_id": seq, "file_name": path.name[:200], "acked_at": _text(ack.get("acked_at"), 40),
                "loaded_at": desk.timestamp(), "operator_id": operator.id,
                "accepted": sum(1 for item in fresh if item[1] == "accepted"),
                "refused": sum(1 for item in fresh if item[1] == "refused")}, fresh)
            desk.audit(operator, "export.ack", "export_batch", seq, {
                "file": path.name[:200], "sha256": digest, "accepted": sum(1 for item in fresh if item[1] == "accepted"),
                "refused": sum(1 for item in fresh if item[1] == "refused"), "already": len(recorded)})
        waiting = _waiting_in(desk, batch)
    return AckResult(seq, sum(1 for item in fresh if item[1] == "accepted"),
                     sum(1 for item in fresh if item[1] == "refused"), len(recorded), waiting)


def _waiting_in(desk: Desk, batch: dict) -> int:
    row = next(row for row in store.batches(desk.db) if row["id"] == batch["id"])
    return row["records"] - row["accepted"] - row["refused"]


# ------------------------------------------------------------ what the page shows


@dataclass(frozen=True)
class BatchLine:
    seq: int
    created_at: str
    operator_name: str | None
    directory: str
    records: int
    counts: dict[str, int]
    accepted: int
    refused: int
    audit_first: int
    audit_last: int

    @property
    def unanswered(self) -> int:
        return self.records - self.accepted - self.refused

    @property
    def state(self) -> str:
        if self.refused:
            return "partly_refused"
        if self.accepted == self.records:
            return "confirmed"
        return "partly_confirmed" if self.accepted else "exported"

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]


@dataclass(frozen=True)
class RefusedLine:
    rec_id: str
    seq: int
    kind: str
    code: str | None
    reason: str | None
    person_name: str | None = None  # whom the record is about (to find the record to correct)
    id_number: str | None = None


@dataclass(frozen=True)
class OutboxStatus:
    batches: tuple[BatchLine, ...]
    waiting: tuple[tuple[str, int], ...]  # (kind, records not yet exported, up to WAITING_CAP + 1), in file order
    refused: tuple[RefusedLine, ...]
    unanswered: int  # exported, not yet answered by the platform

    @property
    def waiting_total(self) -> int:
        return sum(count for _kind, count in self.waiting)

    @property
    def waiting_capped(self) -> bool:
        """Some kind has more than WAITING_CAP records waiting (its count stopped there)."""
        return any(count > WAITING_CAP for _kind, count in self.waiting)


WAITING_CAP = 100_000  # the page counts the records waiting up to this many per kind (more: "10万条以上")


def waiting_counts(desk: Desk, cap: int | None = None) -> dict[str, int]:
    """Records not yet exported per kind, each counted up to `cap` + 1 (a count above `cap` means more)."""
    cap = WAITING_CAP if cap is None else cap
    counts = {kind: store.count_above(desk.db, kind, store.watermark(desk.db, kind), cap) for kind in store.SOURCES}
    counts["enrolment_cancel"] = store.cancellations_waiting_count(desk.db, cap)
    return {kind.key: counts[kind.key] for kind in fmt.KINDS}


def outbox_status(desk: Desk, operator: Operator) -> OutboxStatus:
    operator.require("data.export")
    with store.snapshot(desk.db):
        batches = tuple(BatchLine(row["id"], row["created_at"], row["operator_name"], row["directory"], row["records"],
                                  json.loads(row["counts_json"]), row["accepted"], row["refused"], row["audit_first"],
                                  row["audit_last"]) for row in store.batches(desk.db))
        waiting = tuple(waiting_counts(desk).items())
        refused = tuple(RefusedLine(row["rec_id"], row["batch_id"], row["kind"], row["code"], row["reason"],
                                    *(store.person_of(desk.db, row["kind"], row["source_id"]) or (None, None)))
                        for row in store.refused_records(desk.db))
    unanswered = sum(line.unanswered for line in batches)
    return OutboxStatus(batches, waiting, refused, unanswered)


def default_folder(desk: Desk) -> Path | None:
    """Where the last batch was written (the page offers it again), or None."""
    last = store.last_batch(desk.db)
    return Path(last["directory"]).parent if last else None
