"""sitegen: a static-site and feed generator for news sites."""

__version__ = "0.1.0"
