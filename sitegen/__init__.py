"""sitegen: a static-site and feed generator for news sites."""

__version__ = "0.1.0"

INTERRUPTED = "interrupted: every file is whole; the next build finishes the work"
"""What Ctrl-C is said as, whenever it comes: every file written so far is whole (written
beside its place, then renamed), and the next build finishes the work."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, as the command takes it: as Ctrl-C, so that what a build staged is removed and
    every file stays whole. CI runners (GitLab, GitHub Actions, Kubernetes) end a cancelled or
    timed-out job so; with the default action, the build left its temp files in output/."""
