"""Know the village: households and persons, regions and the map, roster imports, deduplication,
coverage, who-gets-what, skills and resources."""
