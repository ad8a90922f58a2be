"""The content security policy (core.middleware: style-src 'self') makes a browser ignore style attributes
and <style> blocks: a page template that relies on one shows unstyled (text typed with line breaks run
together). Only the templates WeasyPrint renders to PDF, which no browser reads, may carry their styles."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE = re.compile(r"<style\b|\sstyle=\"", re.IGNORECASE)


def _pdf_only(path: Path) -> bool:
    return "pdf" in path.name or path.parent.name == "print"


def test_no_page_template_uses_an_inline_style():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not _pdf_only(path)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE.search(line)
    ]
    assert offenders == []
