"""幸福里 board: Markdown articles in, a public website, kiosk and posters out.

The package reads as the pipeline it runs:

    content.py  -> find and read article files (encoding, front matter)
    checks.py   -> every rule of the content contract, messages in Chinese
    lifecycle.py-> as-of time; draft / scheduled / current / expired; ordering
    plan.py     -> what is published where (sections, categories, tags, archive)
    feeds.py    -> board.json, feed.xml, calendar.ics
    mkdocs_plugin.py -> the only module that knows MkDocs
    posters/    -> Typst posters and the print pack
    output.py   -> build into a fresh folder, then swap it in
    cli.py      -> the `board` command
"""

__version__ = "0.1.0"
