"""Roster import: parse a CSV/XLSX file, validate each row, apply all changes in one transaction."""
