"""The filing numbers (`beian`, `police_beian`, declared in generator/settings.py's schema and
checked by tests/test_settings.py) reach the footer of every published page."""

from __future__ import annotations

from pathlib import Path

import yaml


def set_options(project: Path, **options) -> Path:
    """Set (or, with None, remove) options under `plugins: - board:` of a project's mkdocs.yml."""
    config = project / "mkdocs.yml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    board = next(p["board"] for p in data["plugins"] if isinstance(p, dict) and "board" in p)
    for key, value in options.items():
        if value is None:
            board.pop(key, None)
        else:
            board[key] = value
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config


def test_filing_numbers_reach_every_page(sample_site: Path) -> None:
    """The sample's numbers are in the footer of every page, the 404 page included."""
    pages = list(sample_site.rglob("*.html"))
    # not the kiosk's screen, the short-link redirects (s/) or the 公众号 copy pages (wechat/): none is a site page
    pages = [p for p in pages if p.relative_to(sample_site).parts[0] not in ("kiosk", "posters", "s", "wechat")]
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert 'href="https://beian.miit.gov.cn/"' in html and "浙ICP备12345678号" in html, page
        assert "beian.mps.gov.cn/#/query/webSearch?code=33010602000001" in html, page
