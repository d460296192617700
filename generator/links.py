"""Where links and images written in an article point: which targets leave the site.

The links themselves come from the one parse of the body (`generator.body`), so a link shown
inside code is never taken for a reference.
"""

from __future__ import annotations

import re

from generator.body import Link

EXTERNAL = re.compile(r"^(https?:|mailto:|tel:|#)", re.I)

__all__ = ["EXTERNAL", "Link"]
