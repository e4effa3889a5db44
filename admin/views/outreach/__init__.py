"""Screens for telling people: SMS campaigns, channels, opt-outs, the inbox and social media posts."""
