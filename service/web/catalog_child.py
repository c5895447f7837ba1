"""The catalog's child process: `python -m service.web.catalog_child CONFIG [EXT PAGE SIZE
BUILD]`, started by service/web/catalog.py to render pages in a heap that is given back
when it exits. Its own module, so the catalog never imports the application factory."""

from __future__ import annotations

import json
import os
import sys

from service import create_app
from service.web.catalog import CHILD_OTHER_BUILD, render_listing, warm
from service.web.site import site

WARM_NICENESS = 15  # rendering every page of a new build waits for whatever else runs


def _child(arguments: list[str]) -> int:
    """CONFIG: warm every page, print how many; CONFIG EXT PAGE SIZE BUILD: one page's body
    on stdout, or exit 3 when the current build is not BUILD."""
    app = create_app({**json.loads(arguments[0]), "CATALOG_WARM": False, "CATALOG_CHILD": False})
    if len(arguments) == 1:  # background work: requests and builds come first
        os.nice(WARM_NICENESS)
        print(warm(app))
        return 0
    extension, page, size, version = arguments[1:5]
    with app.app_context():
        here = site()
        here.store()
        if here.version() != version:
            return CHILD_OTHER_BUILD
        slugs = tuple(sorted(here.packages()))
        body = render_listing(here, app, extension, int(page), int(size), slugs)
    sys.stdout.buffer.write(body)
    return 0


if __name__ == "__main__":  # the children _warm_quietly and _render start
    sys.exit(_child(sys.argv[1:]))
