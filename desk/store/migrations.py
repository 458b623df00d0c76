"""Named migrations, applied at start-up, each in its own transaction.

Never edit a migration that has landed: add a new one below it.
Money columns end in `_fen` and hold integer fen.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("desk")

_APPEND_ONLY = ("audit_log", "person_versions", "vouchers", "voucher_prints")
_NEVER_DELETED = ("persons", "enrolments", "operators")


def _never_deleted(db: sqlite_utils.Database, table: str) -> None:
    db.execute(
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'records in {table} are never deleted'); END"
    )


def _append_only(db: sqlite_utils.Database, table: str) -> None:
    """Rows are only ever added: no update, no delete."""
    db.execute(
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
    )
    _never_deleted(db, table)


@migrations()
def m001_initial_schema(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by INTEGER
        );
        CREATE TABLE operators (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer', 'admin')),
            password_hash TEXT NOT NULL,
            must_change_password INTEGER NOT NULL DEFAULT 1,
            disabled INTEGER NOT NULL DEFAULT 0,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL,
            created_by INTEGER REFERENCES operators(id)
        );
        CREATE TABLE persons (
            id INTEGER PRIMARY KEY,
            id_type TEXT NOT NULL,
            id_number TEXT NOT NULL UNIQUE,
            personal_number TEXT UNIQUE,
            name TEXT NOT NULL,
            sex TEXT NOT NULL CHECK (sex IN ('男', '女')),
            birth_date TEXT NOT NULL,
            native_region TEXT,
            ethnicity TEXT NOT NULL,
            phone TEXT,
            household_type TEXT,
            address TEXT,
            township TEXT,
            village TEXT,
            groups_json TEXT NOT NULL DEFAULT '[]',
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX persons_name ON persons(name);
        CREATE INDEX persons_phone ON persons(phone) WHERE phone IS NOT NULL;
        CREATE TABLE person_versions (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES persons(id),
            version INTEGER NOT NULL,
            data_json TEXT NOT NULL,
            operator_id INTEGER REFERENCES operators(id),
            changed_at TEXT NOT NULL,
            UNIQUE (person_id, version)
        );
        CREATE TABLE enrolments (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES persons(id),
            scheme TEXT NOT NULL CHECK (scheme IN ('resident', 'employee')),
            year INTEGER NOT NULL,
            region_code TEXT NOT NULL,
            pack_id TEXT,
            pack_version TEXT,
            groups_json TEXT NOT NULL DEFAULT '[]',
            subsidy_group TEXT,
            individual_fen INTEGER NOT NULL CHECK (individual_fen >= 0),
            subsidy_fen INTEGER NOT NULL CHECK (subsidy_fen >= 0),
            payable_fen INTEGER NOT NULL CHECK (payable_fen >= 0),
            paid_on TEXT,
            benefit_start TEXT NOT NULL,
            benefit_end TEXT NOT NULL,
            waiting_months INTEGER NOT NULL DEFAULT 0,
            start_reason TEXT NOT NULL DEFAULT '',
            provisional_json TEXT NOT NULL DEFAULT '[]',
            origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'imported')),
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
            operator_id INTEGER REFERENCES operators(id),
            window TEXT,
            created_at TEXT NOT NULL,
            cancelled_at TEXT,
            cancelled_by INTEGER REFERENCES operators(id),
            cancel_reason TEXT
        );
        CREATE UNIQUE INDEX enrolments_one_active
            ON enrolments(person_id, scheme, year) WHERE status = 'active';
        CREATE INDEX enrolments_person_year ON enrolments(person_id, year);
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            operator_id INTEGER,
            operator_name TEXT,
            window TEXT,
            action TEXT NOT NULL,
            record_type TEXT,
            record_id TEXT,
            detail_json TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE
        );
        CREATE INDEX audit_log_record ON audit_log(record_type, record_id);
        CREATE TABLE vouchers (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            doc_type TEXT NOT NULL,
            record_type TEXT NOT NULL,
            record_id INTEGER NOT NULL,
            payload_json TEXT NOT NULL,
            code TEXT NOT NULL,
            operator_id INTEGER REFERENCES operators(id),
            operator_name TEXT NOT NULL,
            window TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX vouchers_record ON vouchers(record_type, record_id);
        CREATE TABLE voucher_prints (
            id INTEGER PRIMARY KEY,
            voucher_id INTEGER NOT NULL REFERENCES vouchers(id),
            copy_no INTEGER NOT NULL,
            printed_at TEXT NOT NULL,
            operator_id INTEGER REFERENCES operators(id),
            UNIQUE (voucher_id, copy_no)
        );
        CREATE TABLE voucher_sequences (
            prefix TEXT NOT NULL,
            day TEXT NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY (prefix, day)
        );
        """
    )
    for table in _APPEND_ONLY:
        _append_only(db, table)
    for table in _NEVER_DELETED:
        _never_deleted(db, table)
    db.execute(
        """
        CREATE TRIGGER enrolments_only_cancel BEFORE UPDATE ON enrolments
        WHEN OLD.status = 'cancelled'
          OR NEW.person_id IS NOT OLD.person_id OR NEW.scheme IS NOT OLD.scheme OR NEW.year IS NOT OLD.year
          OR NEW.individual_fen IS NOT OLD.individual_fen OR NEW.subsidy_fen IS NOT OLD.subsidy_fen
          OR NEW.payable_fen IS NOT OLD.payable_fen OR NEW.benefit_start IS NOT OLD.benefit_start
          OR NEW.paid_on IS NOT OLD.paid_on OR NEW.created_at IS NOT OLD.created_at
        BEGIN SELECT RAISE(ABORT, 'an enrolment is only ever cancelled, never changed'); END
        """
    )


@migrations()
def m002_filings(db: sqlite_utils.Database) -> None:
    """门诊慢特病 filings: the current state per filing, and every step kept in filing_events."""
    db.executescript(
        """
        CREATE TABLE filings (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES persons(id),
            disease_code TEXT NOT NULL,
            disease_name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('chronic', 'special', 'two_diseases')),
            pack_id TEXT NOT NULL,
            pack_version TEXT NOT NULL,
            state TEXT NOT NULL
                CHECK (state IN ('accepted', 'awaiting_materials', 'approved', 'rejected', 'terminated')),
            application_date TEXT NOT NULL,
            materials_json TEXT NOT NULL DEFAULT '[]',
            agent_json TEXT,
            accepted_by INTEGER NOT NULL REFERENCES operators(id),
            accepted_at TEXT NOT NULL,
            decided_by INTEGER REFERENCES operators(id),
            decided_at TEXT,
            effective_from TEXT,
            effective_to TEXT,
            reason TEXT,
            terminated_on TEXT,
            window TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX filings_person ON filings(person_id, disease_code);
        CREATE INDEX filings_due ON filings(state, effective_to);
        CREATE TABLE filing_events (
            id INTEGER PRIMARY KEY,
            filing_id INTEGER NOT NULL REFERENCES filings(id),
            action TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT NOT NULL,
            operator_id INTEGER NOT NULL REFERENCES operators(id),
            at TEXT NOT NULL,
            detail_json TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX filing_events_filing ON filing_events(filing_id);
        CREATE TRIGGER filings_final_states BEFORE UPDATE ON filings
        WHEN OLD.state IN ('rejected', 'terminated')
          OR NEW.person_id IS NOT OLD.person_id OR NEW.disease_code IS NOT OLD.disease_code
          OR NEW.kind IS NOT OLD.kind OR NEW.accepted_by IS NOT OLD.accepted_by
        BEGIN SELECT RAISE(ABORT, 'a decided filing is never changed'); END;
        """
    )
    _never_deleted(db, "filings")
    _append_only(db, "filing_events")


@migrations()
def m003_settlements(db: sqlite_utils.Database) -> None:
    """The reimbursement ledger: the only source of a year's accumulators. Append-only; a wrong
    settlement is reversed by a mirror entry with negative amounts. The amount columns are written
    out here, frozen as they landed: the live list is `desk.store.settlements.AMOUNT_COLUMNS`, and a
    new amount column is a new migration."""
    db.executescript(
        """
        CREATE TABLE settlements (
            id INTEGER PRIMARY KEY,
            entry TEXT NOT NULL CHECK (entry IN ('settlement', 'reversal')),
            reverses_id INTEGER UNIQUE REFERENCES settlements(id),
            person_id INTEGER NOT NULL REFERENCES persons(id),
            enrolment_id INTEGER REFERENCES enrolments(id),
            filing_id INTEGER REFERENCES filings(id),
            year INTEGER NOT NULL,
            service_date TEXT NOT NULL,
            benefit TEXT NOT NULL,
            level TEXT NOT NULL,
            disease_code TEXT,
            status TEXT NOT NULL,
            pack_id TEXT NOT NULL,
            pack_version TEXT NOT NULL,
            medfee_sumamt_fen INTEGER NOT NULL,
            fulamt_ownpay_amt_fen INTEGER NOT NULL,
            preselfpay_amt_fen INTEGER NOT NULL,
            inscp_scp_amt_fen INTEGER NOT NULL,
            act_pay_dedc_fen INTEGER NOT NULL,
            hifp_pay_fen INTEGER NOT NULL,
            hifmi_pay_fen INTEGER NOT NULL,
            maf_pay_fen INTEGER NOT NULL,
            fund_pay_sumamt_fen INTEGER NOT NULL,
            psn_part_amt_fen INTEGER NOT NULL,
            inputs_json TEXT NOT NULL,
            steps_json TEXT NOT NULL,
            delta_json TEXT NOT NULL,
            provisional_json TEXT NOT NULL DEFAULT '[]',
            reason TEXT,
            operator_id INTEGER NOT NULL REFERENCES operators(id),
            window TEXT,
            created_at TEXT NOT NULL,
            CHECK ((entry = 'reversal') = (reverses_id IS NOT NULL))
        );
        CREATE INDEX settlements_person_year ON settlements(person_id, year);
        CREATE INDEX settlements_day ON settlements(created_at);
        """
    )
    _append_only(db, "settlements")


@migrations()
def m004_holiday_schedules(db: sqlite_utils.Database) -> None:
    """Holiday schedules an administrator loaded after release: every load kept, the latest per year applies."""
    db.executescript(
        """
        CREATE TABLE holiday_schedules (
            id INTEGER PRIMARY KEY,
            year INTEGER NOT NULL,
            days_off_json TEXT NOT NULL,
            workdays_json TEXT NOT NULL,
            source TEXT NOT NULL,
            loaded_by INTEGER NOT NULL REFERENCES operators(id),
            loaded_at TEXT NOT NULL
        );
        CREATE INDEX holiday_schedules_year ON holiday_schedules(year, id);
        """
    )
    _append_only(db, "holiday_schedules")


@migrations()
def m005_transfers(db: sqlite_utils.Database) -> None:
    """转移接续 applications: the current state and due date, every step kept in transfer_events."""
    db.executescript(
        """
        CREATE TABLE transfers (
            id INTEGER PRIMARY KEY,
            query_number TEXT NOT NULL UNIQUE,
            person_id INTEGER REFERENCES persons(id),
            applicant_name TEXT NOT NULL,
            applicant_id_number TEXT NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
            scope TEXT NOT NULL CHECK (scope IN ('province', 'national')),
            out_region_code TEXT NOT NULL,
            in_region_code TEXT NOT NULL,
            form_json TEXT NOT NULL,
            materials_json TEXT NOT NULL DEFAULT '[]',
            state TEXT NOT NULL CHECK (state IN
                ('awaiting_materials', 'accepted', 'out_review', 'in_review', 'completed', 'returned')),
            accepted_on TEXT,
            due_date TEXT,
            due_provisional INTEGER NOT NULL DEFAULT 0,
            working_days INTEGER NOT NULL,
            pooled_fund_fen INTEGER,
            personal_account_fen INTEGER,
            completed_on TEXT,
            return_reason TEXT,
            created_by INTEGER NOT NULL REFERENCES operators(id),
            created_at TEXT NOT NULL,
            window TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX transfers_open ON transfers(state, due_date);
        CREATE INDEX transfers_applicant ON transfers(applicant_id_number);
        CREATE TABLE transfer_events (
            id INTEGER PRIMARY KEY,
            transfer_id INTEGER NOT NULL REFERENCES transfers(id),
            action TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT NOT NULL,
            operator_id INTEGER NOT NULL REFERENCES operators(id),
            at TEXT NOT NULL,
            detail_json TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX transfer_events_transfer ON transfer_events(transfer_id);
        CREATE TRIGGER transfers_final BEFORE UPDATE ON transfers
        WHEN OLD.state IN ('completed', 'returned') OR NEW.form_json IS NOT OLD.form_json
          OR NEW.query_number IS NOT OLD.query_number OR NEW.created_by IS NOT OLD.created_by
        BEGIN SELECT RAISE(ABORT, 'a finished transfer and its form are never changed'); END;
        """
    )
    _never_deleted(db, "transfers")
    _append_only(db, "transfer_events")


@migrations()
def m006_annual_standards(db: sqlite_utils.Database) -> None:
    """Annual standards an administrator entered (policy-packs.md): every entry kept as a version,
    the latest per pack and year in force; subsidies as JSON {group code: fen or "full"}."""
    db.executescript(
        """
        CREATE TABLE annual_standards (
            id INTEGER PRIMARY KEY,
            pack_id TEXT NOT NULL,
            year INTEGER NOT NULL,
            individual_fen INTEGER NOT NULL CHECK (individual_fen >= 0),
            subsidies_json TEXT NOT NULL,
            document TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('confirmed', 'provisional')),
            entered_by INTEGER NOT NULL REFERENCES operators(id),
            entered_at TEXT NOT NULL
        );
        CREATE INDEX annual_standards_pack_year ON annual_standards(pack_id, year, id);
        """
    )
    _append_only(db, "annual_standards")


@migrations()
def m007_id_floors(db: sqlite_utils.Database) -> None:
    """The highest id ever issued per table, raised by a restore so that no id is issued twice
    (desk/store/ids.py). Floors only go up; none is ever deleted."""
    db.executescript(
        """
        CREATE TABLE id_floors (
            table_name TEXT PRIMARY KEY,
            floor INTEGER NOT NULL CHECK (floor >= 0)
        );
        CREATE TRIGGER id_floors_only_raised BEFORE UPDATE ON id_floors
            WHEN NEW.floor < OLD.floor OR NEW.table_name != OLD.table_name
            BEGIN SELECT RAISE(ABORT, 'id floors are only ever raised'); END;
        """
    )
    _never_deleted(db, "id_floors")


@migrations()
def m008_claim_identity(db: sqlite_utils.Database) -> None:
    """Which bill a settlement paid (issue 13): the institution's name, the invoice (发票/收据) number in
    its canonical form and, for inpatient care, the admission date (the discharge date is service_date).
    Nullable: rows written before stay valid (and keep their seals: desk.core.records `added_later`).
    No new index: the duplicate lookups are by person first, served by settlements_person_year (a person's
    settlements are few); a new index page also moved the damaged page of tests/ui/test_safety_ui.py."""
    db.executescript(
        """
        ALTER TABLE settlements ADD COLUMN institution_name TEXT;
        ALTER TABLE settlements ADD COLUMN invoice_number TEXT;
        ALTER TABLE settlements ADD COLUMN admission_date TEXT;
        """
    )


@migrations()
def m009_export_outbox(db: sqlite_utils.Database) -> None:
    """The export outbox for the provincial platform (issue 14, item 2; docs/export.md). A batch row is
    written only once its files are complete (its id is the batch sequence number, continued after a
    restore by the id floors); every record it carries is marked once (`rec_id` unique, and one mark
    per source row); the platform's acknowledgement files and each record's answer are added, never
    changed; a batch stopped at its size limit is `complete` = 0 (the next batch goes on in the same audit
    range). All four are append-only: a batch's state (已导出 / 已确认 / 部分退回) is read from the
    answers recorded for its records, never written over."""
    db.executescript(
        """
        CREATE TABLE export_batches (
            id INTEGER PRIMARY KEY,
            directory TEXT NOT NULL,
            created_at TEXT NOT NULL,
            operator_id INTEGER NOT NULL REFERENCES operators(id),
            audit_first INTEGER NOT NULL,
            audit_last INTEGER NOT NULL,
            counts_json TEXT NOT NULL,
            records INTEGER NOT NULL CHECK (records > 0),
            manifest_sha256 TEXT NOT NULL UNIQUE,
            complete INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1)),
            state TEXT NOT NULL DEFAULT 'exported' CHECK (state = 'exported')
        );
        CREATE TABLE export_records (
            rec_id TEXT PRIMARY KEY,
            batch_id INTEGER NOT NULL REFERENCES export_batches(id),
            kind TEXT NOT NULL,
            source_id INTEGER NOT NULL,
            UNIQUE (kind, source_id)
        );
        CREATE INDEX export_records_batch ON export_records(batch_id);
        CREATE TABLE export_ack_files (
            sha256 TEXT PRIMARY KEY,
            batch_id INTEGER NOT NULL REFERENCES export_batches(id),
            file_name TEXT NOT NULL,
            acked_at TEXT,
            loaded_at TEXT NOT NULL,
            operator_id INTEGER NOT NULL REFERENCES operators(id),
            accepted INTEGER NOT NULL,
            refused INTEGER NOT NULL
        );
        CREATE TABLE export_acks (
            rec_id TEXT PRIMARY KEY REFERENCES export_records(rec_id),
            batch_id INTEGER NOT NULL REFERENCES export_batches(id),
            ack_sha256 TEXT NOT NULL REFERENCES export_ack_files(sha256),
            outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused')),
            code TEXT,
            reason TEXT
        );
        CREATE INDEX export_acks_batch ON export_acks(batch_id, outcome);
        CREATE INDEX enrolments_cancelled ON enrolments(id) WHERE status = 'cancelled';
        """
    )
    for table in ("export_batches", "export_records", "export_ack_files", "export_acks"):
        _append_only(db, table)


@migrations()
def m010_audit_indexes(db: sqlite_utils.Database) -> None:
    """The 审计日志 page's filters (desk.store.audit.log_where) read an index, not the whole log (issue 13:
    a filtered first page of a million entries within 200 ms; EXPLAIN QUERY PLAN of every filter in
    bench/README.md). One operator's entries, alone or of one action or within dates: the first; one
    action (a range of codes), alone or within dates: the second; dates alone: the third; one record
    number (audit_log_record of m001 leads with the record type, which the filter does not give): the
    fourth. Each page sorts only the entry numbers the index holds."""
    db.executescript(
        """
        CREATE INDEX audit_log_operator_action_at ON audit_log(operator_name, action, at);
        CREATE INDEX audit_log_action_at ON audit_log(action, at);
        CREATE INDEX audit_log_at ON audit_log(at);
        CREATE INDEX audit_log_record_id ON audit_log(record_id);
        """
    )


def writable_problem(db: sqlite_utils.Database, path) -> str | None:
    """Why desk must not open this file to work in it (read before anything is written, even WAL
    mode), or None: a new, empty file or a desk database of this version or older. desk never turns
    somebody else's database into its own, nor writes with old code into a newer desk's schema."""
    applied = migrations.applied(db)
    if not applied and db.table_names():
        return f"文件 {path} 不是 desk 的数据库（其中已有别的表），desk 没有改动它。请指定 desk 的数据库文件。"
    newer = newer_migrations(db)
    if newer:
        return (f"数据库 {path} 由较新版本的 desk 建立（含本版没有的迁移 {newer[0]}），本版不能在上面办理业务，"
                "desk 没有改动它。请用那个版本的 desk 打开。")
    return None


def newer_migrations(db: sqlite_utils.Database) -> list[str]:
    """Migrations this database has that this desk does not know (a newer desk wrote it)."""
    known = {migration.name for migration in migrations._migrations}
    return [migration.name for migration in migrations.applied(db) if migration.name not in known]


def schema_problem(db: sqlite_utils.Database, path) -> str | None:
    """Why this file cannot be read as a database of this desk version (read-only), or None."""
    known = [migration.name for migration in migrations._migrations]
    applied = [migration.name for migration in migrations.applied(db)]
    if not applied:
        return f"文件 {path} 不是 desk 的数据库，desk 没有改动它。请指定 desk 的数据库文件。"
    newer = newer_migrations(db)
    if newer:
        return (f"数据库 {path} 由较新版本的 desk 建立（含本版没有的迁移 {newer[0]}），请用那个版本的 desk 打开。")
    missing = [name for name in known if name not in applied]
    if missing:
        return (f"数据库 {path} 由较早版本的 desk 建立，尚未升级到本版（缺少迁移 {missing[0]}）：请先用本版 desk"
                " 正常打开一次（会自动升级），再用这个命令。")
    return None


def apply_migrations(db: sqlite_utils.Database) -> None:
    """Bring a desk database (or a new, empty file) to this version (`connect` has refused any other
    file first: writable_problem)."""
    migrations.apply(db)
