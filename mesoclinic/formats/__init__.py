"""Date and number formats that differ from Django's own for a language (FORMAT_MODULE_PATH).

Pages write dates with ``|date:"SHORT_DATE_FORMAT"`` and ``"SHORT_DATETIME_FORMAT"``: French,
Italian and Spanish readers get Django's formats for their language (31/12/2026); English
keeps the ISO dates the clinic has always read (2026-12-31), which no English reader
mistakes for a month-first date.
"""
