"""BNI Direct bulk (mass credit) transfer upload.

Source: none public. The BNIDirect file template is handed to corporate customers; no published
specification of its columns could be found, so this profile has no writer.
"""
CODE = "bni_direct"
LABEL = "BNI Direct (bulk transfer)"
FILENAME = "bni-direct.csv"
MIMETYPE = "text/csv"
SOURCE = "tidak ada spesifikasi publik (template diberikan BNI kepada nasabah BNIDirect)"
UNAVAILABLE = "tidak ada spesifikasi publik tata letak unggahan BNI Direct; gunakan pain.001 atau CSV umum"
