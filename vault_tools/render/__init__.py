"""Renderers: data in, string out. Nothing here reads files or decides anything."""
