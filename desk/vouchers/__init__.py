"""desk.vouchers: the printed papers (PDF) handed to the citizen at each step.

- `model`: plain frozen dataclasses describing a document (no reportlab import).
- `types`: the one registry of document types (`DOCUMENT_TYPES`: prefix, title, builder,
  papers, renderer, who may print), light enough for the services to import.
- `documents`: builders from a stored payload + `VoucherMeta` to a `VoucherDoc`;
  `render_voucher(doc_type, payload, meta) -> bytes`.
- `render`: `render_pdf(doc) -> bytes` (reportlab platypus).
- `fonts`: the bundled CJK font, registered with reportlab once.
- `samples`: sample data per document type; `write_samples(directory)`.

Import the submodules directly; this package imports nothing so `model` stays light.
"""
