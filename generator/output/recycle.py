"""Reusing the site a build replaced as the next build's staging folder, so unchanged files are not written again.

A build swaps its staging folder in and keeps the site it replaced beside it as `.<site>-spare` instead
of deleting it (deleting ten thousand files costs as much as writing them). The next build renames that
folder to its staging name and brings it up to date: the writer (generator.output.writer.SiteWriter)
leaves a file whose bytes and stat are what the manifest says, replaces any other with a new file, and
`settle` removes what this build no longer makes. The result is the tree a clean build writes.

When there is no spare (the first build after a build from nothing, or after a failed one), the staging
folder is the site online copied as hard links (`link_online`): linking ten thousand files costs a tenth
of writing them. This is safe because nothing in a build writes into an existing file: the writer, the
plugin's pages, the theme files and MkDocs' own templates all unlink a file before a new one is written
(SiteWriter.make_room), so a changed file gets a new inode and the site online never sees it. `board build`
starts the linking (`start_linking`, a child process) before it reads the articles, so both go on at once.

Each folder's manifest (path -> [content sig, size, mtime_ns]) is kept in `.<site>-trees.json` beside
the site, under the folder's identity (its own inode and its marker file's inode and time). A manifest
is taken out of the record before its folder is touched, so a build killed halfway leaves a folder with
no manifest, which the next build deletes (as it deletes any other leftover) and builds afresh.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path

from generator.output.target import MARKER

RECORD_VERSION = 1


def spare_dir(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}-spare")


def record_file(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}-trees.json")


def tree_id(folder: Path) -> str | None:
    """Which finished tree a folder is: the folder's own inode with its marker file's inode, time and size."""
    try:
        own = os.stat(folder)
        marker = os.stat(folder / MARKER)
    except OSError:
        return None
    return f"{own.st_dev}:{own.st_ino}:{marker.st_ino}:{marker.st_mtime_ns}:{marker.st_size}"


def read_record(site_dir: Path) -> dict[str, dict]:
    try:
        data = json.loads(record_file(site_dir).read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("version") == RECORD_VERSION and isinstance(data.get("trees"), dict):
            return {k: v for k, v in data["trees"].items() if isinstance(v, dict)}
    except Exception:  # missing, truncated, another version: no folder is reused, nothing else changes
        pass
    return {}


def write_record(site_dir: Path, trees: dict[str, dict]) -> None:
    target = record_file(site_dir)
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        if not trees:
            target.unlink(missing_ok=True)
            return
        partial.write_text(json.dumps({"version": RECORD_VERSION, "trees": trees}, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, target)
    except OSError:  # an unwritable record costs the next build its reuse, never its result
        partial.unlink(missing_ok=True)
        try:
            target.unlink(missing_ok=True)
        except OSError:
            pass


def take_spare(site_dir: Path, staging_name: Path) -> dict | None:
    """Rename the spare folder to staging_name and return its manifest, or None (nothing reusable:
    a missing, unknown or read-only spare is removed). Call only while holding the build lock."""
    from generator.output.swap import remove_tree

    spare = spare_dir(site_dir)
    if not os.path.lexists(spare):
        return None
    trees = read_record(site_dir)
    ident = tree_id(spare)
    manifest = trees.pop(ident, None) if ident else None
    write_record(site_dir, trees)  # taken out before the folder changes: a killed build leaves no stale manifest
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or spare.is_symlink() or not os.access(spare, os.W_OK | os.X_OK):
        remove_tree(spare)
        return None
    try:
        os.rename(spare, staging_name)
    except OSError:
        remove_tree(spare)
        return None
    return files


def _linkable(site_dir: Path, online: dict | None) -> list[str] | None:
    """The paths of the site online's manifest that may be linked (never outside the folder, whatever the
    record says), or None: no manifest of it, or no folder to link from."""
    files = online.get("files") if isinstance(online, dict) else None
    if not isinstance(files, dict) or site_dir.is_symlink() or not site_dir.is_dir():
        return None
    return [rel for rel in files if isinstance(rel, str) and not rel.startswith("/") and ".." not in rel.split("/")]


def _make_links(source: str, into: str, rels: list[str]) -> list[str]:
    """Hard-link each of rels from source into into, making its folders; the paths gone from source
    meanwhile (skipped: this build writes them, as a clean one does). OSError: a file system without links."""
    folders: set[str] = {""}
    gone = []
    for rel in rels:
        folder = rel.rpartition("/")[0]
        if folder not in folders:
            os.makedirs(os.path.join(into, folder), exist_ok=True)
            while folder and folder not in folders:
                folders.add(folder)
                folder = folder.rpartition("/")[0]
        try:
            os.link(f"{source}/{rel}", f"{into}/{rel}", follow_symlinks=False)  # "/": Windows takes it too
        except FileNotFoundError:
            gone.append(rel)
    return gone


def _empty_again(staging: Path) -> None:
    from generator.output.swap import remove_tree

    remove_tree(staging)
    staging.mkdir()


def link_online(site_dir: Path, staging: Path, online: dict | None) -> dict | None:
    """Fill the empty staging folder with hard links to the files the site online's manifest names and
    return the manifest of what was linked, or None (no manifest of it, or a file system without links:
    the staging folder is left empty). Driven by the manifest, in plain str paths: no walk of the site."""
    return start_linking(site_dir, staging, online, background=False).result()


class Linking:
    """link_online under way: in a child process (Linux) while this one reads and checks the board, or done.
    Making five thousand folders costs the kernel seconds on some disks; a second core does it meanwhile.
    A child process, not a thread: a thread would wait for the interpreter lock after every call."""

    def __init__(self, staging: Path, files: dict, rels: list[str] | None, pid: int | None = None,
                 pipe: int | None = None, gone: list[str] | None = None, failed: bool = False) -> None:
        self.staging, self.files, self.rels = staging, files, rels
        self.pid, self.pipe, self.gone, self.failed = pid, pipe, gone, failed

    def result(self) -> dict | None:
        """Wait for the links; the manifest of what was linked, or None (the staging folder is then empty)."""
        if self.pid is not None:
            chunks = []
            try:
                while chunk := os.read(self.pipe, 1 << 16):
                    chunks.append(chunk)
            finally:
                os.close(self.pipe)
                _, status = os.waitpid(self.pid, 0)
                self.pid = None
            try:
                self.gone = json.loads(b"".join(chunks)) if os.waitstatus_to_exitcode(status) == 0 else None
            except ValueError:
                self.gone = None
            if not isinstance(self.gone, list):  # no links here (FAT, a share), or the child died: written whole
                _empty_again(self.staging)
                self.failed = True
        if self.failed or self.rels is None:
            return None
        gone = set(self.gone or ())
        return {rel: self.files[rel] for rel in self.rels if rel not in gone}

    def cancel(self) -> None:
        """Stop the child (the build failed or was stopped); its folder is the caller's to remove."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            os.close(self.pipe)
            os.waitpid(self.pid, 0)
            self.pid = None


def start_linking(site_dir: Path, staging: Path, online: dict | None, background: bool = True) -> Linking:
    """Start link_online: in a forked child when background and the system forks and this process has no
    other thread (a fork copies one thread only), else here and now. Linking.result() gives its answer."""
    rels = _linkable(site_dir, online)
    if rels is None:
        return Linking(staging, {}, None)
    files = online["files"]  # type: ignore[index]
    source, into = str(site_dir), str(staging)
    if not (background and hasattr(os, "fork") and sys.platform.startswith("linux") and threading.active_count() == 1):
        try:
            return Linking(staging, files, rels, gone=_make_links(source, into, rels))
        except OSError:  # FAT, a network share, too many links: written whole instead
            _empty_again(staging)
            return Linking(staging, files, rels, failed=True)
    read_end, write_end = os.pipe()
    # Ctrl-C held back across the fork: in the child before its try it would run the parent's clean-up (abandon).
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        raise
    if pid == 0:  # the child: links, says which files were gone, and ends without running anything of the parent's
        code = 3
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops it (cancel) when the build is stopped
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(read_end)
            data = json.dumps(_make_links(source, into, rels)).encode("utf-8")
            while data:
                data = data[os.write(write_end, data):]
            code = 0
        except OSError:
            code = 2
        finally:
            os._exit(code)
    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    os.close(write_end)
    return Linking(staging, files, rels, pid=pid, pipe=read_end)


def keep_spare(old_site: Path, site_dir: Path) -> bool:
    """After the swap: keep the replaced site (now at old_site) as the next build's spare; False if it cannot be."""
    spare = spare_dir(site_dir)
    if os.path.lexists(spare):
        return False
    try:
        os.rename(old_site, spare)
    except OSError:
        return False
    return True


def remember(site_dir: Path, new_files: dict | None, old_ident: str | None, old_manifest: dict | None) -> None:
    """Record the manifests of the site now online and of the spare beside it (and nothing else)."""
    trees: dict[str, dict] = {}
    ident = tree_id(site_dir)
    if ident and new_files is not None:
        trees[ident] = {"files": new_files}
    spare = spare_dir(site_dir)
    if old_manifest is not None and old_ident is not None and tree_id(spare) == old_ident:
        trees[old_ident] = old_manifest
    write_record(site_dir, trees)
