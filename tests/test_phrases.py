"""Phrase breaks (generator/phrases.py), tel: links (phones.py), table labels (tables.py) and the
article lead (lead.py), on the strings themselves; the browser tests check the rendered lines."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.lead import split_lead
from generator.phones import tel_html, tel_text
from generator.phrases import js_breaks, phrase_html, phrases
from generator.tables import label_tables

COMMUNITY = ("幸福里社区", "幸福里社区居民委员会", "0571-86001234")
KEEP_WHOLE = ["2026年12月3日", "11月28日", "3号楼", "65周岁以上", "2.5公斤", "十二号楼", "07:30—11:00",
              "0571-86001234", "幸福里社区", "（星期日）", "12号楼", "2027年1月15日", "30元"]
FILLER = ["关于", "举办", "冬季", "消防安全", "知识讲座", "的通知", "请", "居民", "提前", "储水", "，", "：", "临时停水",
          "楼道", "堆物", "清理", "志愿者", "服务", "活动", "报名", "把", "扫帚", "不", "赡养", "父亲", "吗？"]


def cut_inside(text: str, parts: list[str], whole: str) -> bool:
    cuts, at = set(), 0
    for part in parts[:-1]:
        at += len(part)
        cuts.add(at)
    return any(start < cut < start + len(whole) for m in re.finditer(re.escape(whole), text)
               for start in [m.start()] for cut in cuts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.sampled_from(KEEP_WHOLE), st.sampled_from(FILLER)), st.sampled_from(FILLER)),
                min_size=1, max_size=8))
def test_phrases_never_cut_a_date_a_number_with_its_unit_or_a_name(pairs) -> None:
    text = "".join(a + b for a, b in pairs)  # words between the numbers, as in a sentence
    parts = phrases(text, COMMUNITY)
    assert "".join(parts) == text
    for whole in KEEP_WHOLE:
        assert not cut_inside(text, parts, whole), (whole, parts)
    if len(parts) > 1:  # never one character alone at the end
        assert len(re.sub(r"[\s\u3000-\u303f\uff00-\uffef“”—…·、]", "", parts[-1])) >= 2, parts


def test_phrases_of_the_issue_examples() -> None:
    assert "十年如一日" in phrases("十年如一日照顾瘫痪邻居")
    assert not cut_inside("3号楼电梯维修", phrases("3号楼电梯维修"), "3号楼")
    assert phrases("幸福里社区公告栏", COMMUNITY)[0] == "幸福里社区"
    assert "2026年12月3日" in "".join(phrases("有效期至 2026年12月3日")).split(" ")[-1]
    assert phrases("") == []


def test_page_and_kiosk_read_the_same_breaks() -> None:
    text = "紧急通知：11月28日二期片区临时停水𠮷字"  # a character outside the BMP counts twice in JavaScript
    parts = phrases(text)
    html = str(phrase_html(text))
    assert html.startswith('<span class="board-ph">') and html.count("<wbr>") == len(parts) - 1
    utf16 = []
    at = 0
    for part in parts[:-1]:
        at += len(part.encode("utf-16-le")) // 2
        utf16.append(at)
    assert js_breaks(text) == utf16
    assert "&lt;" in str(phrase_html("<b>通知</b>"))  # escaped: titles are text


def test_registered_numbers_become_tel_links_only_in_text() -> None:
    phones = ("0571-86001234",)
    html = tel_html('<p>电话 0571-86001234、0571 86001234；<a href="x">0571-86001234</a>；编号 1057186001234；'
                    '<span title="0571-86001234">x</span></p>', phones)
    assert html.count('href="tel:057186001234"') == 2
    assert '<a href="x">0571-86001234</a>' in html and "编号 1057186001234" in html
    assert 'title="0571-86001234"' in html
    assert tel_html("<p>0571-86001234</p>", ()) == "<p>0571-86001234</p>"
    assert str(tel_text("值班 0571-86001234 <b>", phones)).endswith("</a> &lt;b&gt;")


def test_table_cells_carry_their_column_and_wide_tables_stack() -> None:
    html = ("<table>\n<thead>\n<tr>\n<th>楼栋</th>\n<th align=\"left\">时间 &amp; <em>地点</em></th>\n<th>联系人</th>\n</tr>\n"
            "</thead>\n<tbody>\n<tr>\n<td>3号楼</td>\n<td>8:00</td>\n<td>王</td>\n</tr>\n</tbody>\n</table>\n"
            "<table><thead><tr><th>项目</th><th>说明</th></tr></thead><tbody><tr><td>a</td><td>b</td></tr></tbody></table>")
    out = label_tables(html)
    assert out.count("data-board-stack") == 1 and out.startswith("<table data-board-stack>")
    assert '<td data-label="楼栋">3号楼</td>' in out and '<td data-label="时间 &amp; 地点">8:00</td>' in out
    assert '<td data-label="项目">a</td>' in out
    assert label_tables("<p>没有表格</p>") == "<p>没有表格</p>"


def test_the_lead_is_the_opening_lines_not_a_salutation() -> None:
    body = "<p>各位居民朋友：</p>\n<p>为提高居民消防安全意识，社区定于本周六上午在居委会二楼活动室举办讲座。</p>\n<h2>安排</h2>\n<p>x</p>"
    lead, rest = split_lead(body)
    assert lead.endswith("举办讲座。</p>") and rest.startswith("\n<h2>") and lead + rest == body
    assert split_lead("<ul><li><p>一</p></li></ul><p>二</p>") == ("", "<ul><li><p>一</p></li></ul><p>二</p>")
    assert split_lead("<p>短</p>") == ("<p>短</p>", "")


def test_an_articles_own_headings_get_the_same_breaks() -> None:
    from generator.phrases import phrase_headings

    html = phrase_headings('<h2 id="a">一、2026年12月3日前&amp;3号楼安排</h2>\n<h3>有<em>强调</em>的标题</h3>\n<p>正文3号楼</p>')
    assert html.startswith('<h2 id="a"><span class="board-ph">') and "2026年12月3日" in html and "&amp;" in html
    assert "<h3>有<em>强调</em>的标题</h3>" in html and "<p>正文3号楼</p>" in html
