"""The site online linked into the staging folder by a child process while the board is read
(generator.output.recycle.start_linking): the same links and manifest as linking here and now,
a child that cannot link leaves an empty staging folder, and a cancelled one leaves nothing running."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.output import recycle


def online_site(root: Path, n: int = 40) -> tuple[Path, dict]:
    """A site folder of n pages in nested folders, and its manifest as a build records it."""
    site = root / "site"
    files = {}
    for i in range(n):
        rel = f"文章{i % 7}/第{i}篇/index.html" if i % 3 else f"s/{i:04d}/index.html"
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>第{i}篇</p>", encoding="utf-8")
        files[rel] = [f"sig{i}", path.stat().st_size, path.stat().st_mtime_ns]
    (site / "board.json").write_text("{}", encoding="utf-8")
    files["board.json"] = ["sigb", 2, 0]
    return site, {"files": files}


def linked_tree(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("background", [True, False])
def test_links_every_file_the_manifest_names(tmp_path: Path, background: bool, monkeypatch) -> None:
    # A test process may have threads (a session's server): the child path is tested whatever the count.
    monkeypatch.setattr(recycle.threading, "active_count", lambda: 1)
    site, online = online_site(tmp_path)
    online["files"]["../outside.html"] = ["x", 1, 0]  # never outside the folder, whatever the record says
    online["files"]["gone/index.html"] = ["y", 1, 0]  # named by the record, no longer in the site online
    staging = tmp_path / "staging"
    staging.mkdir()
    linking = recycle.start_linking(site, staging, online, background=background)
    assert (linking.pid is not None) == (background and os.name == "posix" and hasattr(os, "fork"))
    manifest = linking.result()
    assert linking.pid is None
    expected = {rel: entry for rel, entry in online["files"].items() if rel not in ("../outside.html", "gone/index.html")}
    assert manifest == expected
    mine, theirs = linked_tree(staging), linked_tree(site)
    assert mine == theirs  # every file is the same file (a hard link), and nothing else is there
    assert not (tmp_path / "outside.html").exists()


def test_a_child_that_cannot_link_leaves_an_empty_folder(tmp_path: Path, monkeypatch) -> None:
    site, online = online_site(tmp_path)
    staging = tmp_path / "staging"
    staging.mkdir()
    calls = []
    real_link = os.link

    def no_links(*args, **kwargs):  # a file system that refuses links after a few (FAT, a network share)
        calls.append(args)
        if len(calls) > 5:
            raise PermissionError(1, "Operation not permitted")
        return real_link(*args, **kwargs)

    monkeypatch.setattr(recycle.os, "link", no_links)  # the forked child has it too
    for background in (True, False):
        linking = recycle.start_linking(site, staging, online, background=background)
        assert linking.result() is None
        assert list(staging.iterdir()) == []  # written whole instead
        calls.clear()
    assert linked_tree(site) and len(linked_tree(site)) == len(online["files"])  # the site online as it was


def test_a_garbled_record_links_nothing(tmp_path: Path) -> None:
    site, _ = online_site(tmp_path)
    staging = tmp_path / "staging"
    staging.mkdir()
    for record in (None, {}, {"files": ["a"]}, "garbage"):
        assert recycle.start_linking(site, staging, record).result() is None
        assert list(staging.iterdir()) == []


def test_cancel_stops_the_child(tmp_path: Path) -> None:
    site, online = online_site(tmp_path, n=300)
    staging = tmp_path / "staging"
    staging.mkdir()
    linking = recycle.start_linking(site, staging, online)
    pid = linking.pid
    linking.cancel()
    assert linking.pid is None
    if pid is not None:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped: no child left behind
    assert linked_tree(site) and all((site / rel).is_file() for rel in online["files"])
