"""The ``sitegen`` command and ``python -m sitegen``: ``cli.main``, with a Ctrl-C that comes
while it is being imported said as one line too."""

import sys

from . import INTERRUPTED


def main() -> None:
    # cli imports Jinja2, Markdown, Pillow and the rest, a good part of a second: imported
    # here, inside the try, a Ctrl-C then is said as later ones are, not as a traceback of
    # whichever module it stopped. (This module imports nothing that takes time.)
    try:
        from .cli import leave
        from .cli import main as run

        run()
    except KeyboardInterrupt:
        # 130: interrupted, as shells report it.
        print(f"\n{INTERRUPTED}", file=sys.stderr)
        sys.exit(130)
    except SystemExit as e:  # how click ends every command, done or not
        leave(e.code)
    leave(0)


if __name__ == "__main__":
    main()
