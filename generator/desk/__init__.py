"""The staff desk at /_desk/ of `board serve`: write, check, review and publish articles in the browser.

app.py (requests and pages), store.py (article files inside content/), frontmatter.py (form <-> file),
uploads.py (pictures), history.py (git), auth.py (accounts, sessions, CSRF, login limit).
"""
