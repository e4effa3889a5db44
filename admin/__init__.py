"""Admin: the Flask-AppBuilder face of the registry, with campaign and report screens."""
