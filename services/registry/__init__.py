"""Registry service: the system of record for households, persons, programmes and imports."""
