"""Checks that the deployment files refer to code that exists."""
