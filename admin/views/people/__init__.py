"""Registri screens about people: households, persons, imports, duplicates, who-gets-what, map, resources."""
