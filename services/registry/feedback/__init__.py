"""Hear back: complaints on the SP4N-LAPOR! clock, inbound SMS/WhatsApp, satisfaction answers."""
