"""Reports service: programme recipient lists as PDF, XLSX and CSV."""
