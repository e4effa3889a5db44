"""Pengaduan screens: complaints entered by staff, their working-day clock and next steps; the inbox of replies."""
