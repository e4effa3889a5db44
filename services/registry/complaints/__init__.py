"""Complaint handling: recording, the SP4N-LAPOR! clock, escalation and the hand-over export."""
