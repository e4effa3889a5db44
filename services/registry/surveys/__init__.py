"""Needs surveys: instrument loading, answer validation, scoring, imports (Kobo/ODK, DTSEN) and OpenRosa."""
