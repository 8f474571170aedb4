"""The ``sitegen`` command and ``python -m sitegen``: ``cli.main``, with a Ctrl-C that comes
while it is being imported said as one line too."""

import _thread
import signal
import sys
import time

from . import INTERRUPTED, Terminated

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing is not imported before the command's try below (see main)
    from collections.abc import Callable
    from types import CodeType, FrameType
    from typing import Any


def main() -> None:
    # cli imports Jinja2, Markdown, Pillow and the rest, a good part of a second: imported
    # here, inside the try, a Ctrl-C then is said as later ones are, not as a traceback of
    # whichever module it stopped. (This module imports nothing that takes time.)
    try:
        signal.signal(signal.SIGTERM, _terminate)
        sys.unraisablehook = _interrupting_again(sys.unraisablehook)
        from . import cli
        from .cli import leave
        from .cli import main as run

        cli.ENDS_WITH_THE_COMMAND = True
        run()
    except KeyboardInterrupt as e:
        # 130: interrupted, as shells report it; 143 for SIGTERM.
        print(f"\n{INTERRUPTED}", file=sys.stderr)
        sys.exit(128 + signal.SIGTERM if isinstance(e, Terminated) else 130)
    except SystemExit as e:  # how click ends every command, done or not
        leave(e.code)
    leave(0)


def _terminate(signum: int, frame: "FrameType | None") -> None:
    raise Terminated


def _interrupting_again(hook: "Callable[[sys.UnraisableHookArgs], Any]") -> "Callable[[sys.UnraisableHookArgs], Any]":
    """``hook``, but a Ctrl-C (or SIGTERM) that Python could not raise where it came comes again.

    Python raises KeyboardInterrupt wherever the main thread is when Ctrl-C comes; where that
    is code Python runs on the side (a weak reference's callback, such as the one of each
    module lock an import frees, or a finaliser), it prints the exception ("Exception ignored
    in: <function _get_module_lock.<locals>.cb>", a traceback, KeyboardInterrupt) and carries
    on: the build ran to its end with status 0, as if nobody had pressed Ctrl-C. Sent again
    once the main thread is out of this hook, it stops the command as any other Ctrl-C does
    (and were it to land on the side again, it comes back here); a SIGTERM comes again as
    itself, so that the command ends with its status (143), not Ctrl-C's."""

    def interrupting_again(unraisable: "sys.UnraisableHookArgs") -> "Any":
        if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
            # Not sent from here: the main thread would take it in this function, whose
            # exception Python ignores too.
            signum = signal.SIGTERM if issubclass(unraisable.exc_type, Terminated) else signal.SIGINT
            _thread.start_new_thread(_interrupt_out_of, (interrupting_again.__code__, _thread.get_ident(), signum))
            return None
        return hook(unraisable)

    return interrupting_again


def _interrupt_out_of(code: "CodeType", main: int, signum: signal.Signals) -> None:
    """Signal ``signum`` again for thread ``main``, once no function of ``code`` is running in it."""
    while _running(code, sys._current_frames().get(main)):
        time.sleep(0.001)
    _thread.interrupt_main(signum)  # as its handler takes it


def _running(code: "CodeType", frame: "FrameType | None") -> bool:
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


if __name__ == "__main__":
    main()
