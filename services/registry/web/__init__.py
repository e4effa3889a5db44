"""The registry's HTTP face: every Flask blueprint (JSON API, surveys, OpenRosa, map, public pages)."""
