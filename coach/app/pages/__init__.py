"""One module per page; each has ``render()`` and nothing runs at import."""
