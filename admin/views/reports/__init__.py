"""Laporan screen: request reports from the reports service, list runs, download files, post to social pages."""
