"""paperfeed: a self-hostable daily papers site."""

__version__ = "0.1.0"
