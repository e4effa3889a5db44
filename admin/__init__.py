"""Admin: the Flask-AppBuilder face of the registry, its screens grouped by domain under views/."""
