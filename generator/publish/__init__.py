"""Putting the built site online and keeping it current: `board next`, `board publish`, `board watch`.

One module per deploy target (folder, ssh, s3); `releases` holds what folder and SSH targets share
(a release folder per deploy, switched in with one symlink rename); `files` decides each file's
type and caching; `watch` is the long-running publisher.
"""
