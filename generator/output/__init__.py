"""Writing the site: one writer for every file, a lock, and a swap that never shows a half-written site.

A build writes into a fresh `.site-new-*` folder beside the site and swaps it in at the end;
a failed or killed build leaves the site that is online exactly as it was. Portable: the
lock is `filelock` (flock on Linux, LockFileEx on Windows), the swap is atomic where the
system offers it (renameat2 on Linux) and a recoverable pair of renames elsewhere.
"""

from generator.output.lock import build_lock
from generator.output.swap import clear_leftovers, new_staging_dir, recover, remove_tree, swap_in
from generator.output.target import MARKER, mark_site, unsafe_target
from generator.output.writer import OutputClash, Owner, SiteWriter
from generator.output.staged import StagedBuild, TargetRefused

__all__ = ["build_lock", "clear_leftovers", "new_staging_dir", "recover", "remove_tree", "swap_in", "MARKER",
           "mark_site", "unsafe_target", "OutputClash", "Owner", "SiteWriter", "StagedBuild", "TargetRefused"]
