"""One small module per kind of page."""
