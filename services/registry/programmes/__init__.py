"""Decide together: programmes and funding, eligibility rules, candidate lists with usul/sanggah, the
musyawarah, approval that freezes a cycle, entitlements and change requests."""
