"""Getting entitlements to households: pickup cards, bank transfers, statements, verification samples."""
