"""Screens for telling people: SMS campaigns, channels, opt-outs and social media posts."""
