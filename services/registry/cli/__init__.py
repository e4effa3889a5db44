"""The registry's ``bansos`` commands, each a thin click wrapper over the domain functions."""
