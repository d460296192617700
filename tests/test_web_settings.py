"""The filing numbers (`beian`, `police_beian`, declared in generator/settings.py's schema and
checked by tests/test_settings.py) reach the footer of every published page."""

from __future__ import annotations

from pathlib import Path


def test_filing_numbers_reach_every_page(sample_site: Path) -> None:
    """The sample's numbers are in the footer of every page, the 404 page included."""
    pages = list(sample_site.rglob("*.html"))
    pages = [p for p in pages if "kiosk" not in p.parts and "posters" not in p.parts]
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'href="https://beian.miit.gov.cn/"' in html and "浙ICP备12345678号" in html, page
        assert "beian.mps.gov.cn/#/query/webSearch?code=33010602000001" in html, page
