"""Clearly fake demo data for Desa Kamal: the seed-demo command and generated roster files."""
