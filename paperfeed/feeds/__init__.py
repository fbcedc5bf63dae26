"""Feeds: lists of papers as Atom and RSS 2.0, for feed readers."""
