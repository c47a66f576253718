"""Renderers of the report view (:mod:`reportbot.report_view`) that are not files: the plain review, shared text."""
