"""The bansos services (registry, notifications, reports), what they share (common) and the ``bansos`` command."""
