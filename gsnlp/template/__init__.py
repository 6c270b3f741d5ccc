"""The report template, defined once: sections (``gsnlp.template.sections``), tables, rows,
columns and cells (``gsnlp.template.tables``) and the arithmetic identities between cells
(``gsnlp.template.identities``). Every other module reads the template from here."""
