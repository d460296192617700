"""One site with posters and share pictures, built once per session for the WeChat tests (share
pictures, copy pages, og: tags, share panel): the sample content plus a long notice with an event,
a picture, a table, a note box and links, and an article with `share: false`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import AS_OF, copy_project, run_board, write_article

SENTENCES = ("为营造干净整洁的居住环境，社区将组织居民开展环境卫生整治活动。请各位居民提前清理楼道内堆放的个人物品，"
             "保持消防通道畅通。社区志愿者将在活动当天为行动不便的老人提供上门帮助。")
LONG = "notices/2026-11-25-楼道清理长通知.md"
LONG_SLUG = "2026-11-25-楼道清理长通知"
NO_SHARE = "science/2026-11-25-不要分享图.md"
NO_SHARE_SLUG = "2026-11-25-不要分享图"
LONG_TEXT = f"""---
title: 关于集中清理楼道堆放物品的通知
type: notice
date: 2026-11-25 09:00
author: 幸福里社区居民委员会
event:
  start: 2026-11-29 08:30
  end: 2026-11-29 11:30
  location: 幸福里社区各楼栋楼道
---

各位居民：

![清理后的楼道](../notices/images/wenming-sunrise.jpg)

详见[消防知识网站](https://www.example.org/fire)和[报名表](https://www.example.org/form)。

!!! note "温馨提示"
    请提前把自家物品搬回屋内。

| 楼栋 | 时间 |
| --- | --- |
| 1-5 号楼 | 8:30 |
| 6-10 号楼 | 10:00 |

""" + "\n\n".join(SENTENCES * 2 for _ in range(24)) + "\n"
NO_SHARE_TEXT = """---
title: 冬季用电小常识
type: science
date: 2026-11-25 08:00
share: false
---

冬季取暖用电多，请不要私拉乱接电线。
"""


@pytest.fixture(scope="session")
def share_project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("shares"))
    write_article(project, LONG, LONG_TEXT)
    write_article(project, NO_SHARE, NO_SHARE_TEXT)
    result = run_board(project, "build", "--as-of", AS_OF, timeout=600)
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="session")
def share_site(share_project: Path) -> Path:
    return share_project / "site"
