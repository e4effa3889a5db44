"""The public transparency site (no login): programmes, frozen cycle lists, posters, complaints, surveys."""
