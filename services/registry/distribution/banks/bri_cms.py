"""BRI Cash Management System (CMS / QCash) bulk transfer upload.

Source: none public. BRI gives the upload template to a customer with the CMS contract; no published
specification of its columns could be found, so this profile has no writer. Until a village has the
template from its branch, export pain.001 or the generic CSV and key the file into CMS as the branch says.
"""
CODE = "bri_cms"
LABEL = "BRI CMS (transfer massal)"
FILENAME = "bri-cms.csv"
MIMETYPE = "text/csv"
SOURCE = "tidak ada spesifikasi publik (template diberikan BRI kepada nasabah CMS)"
UNAVAILABLE = "tidak ada spesifikasi publik tata letak unggahan BRI CMS; gunakan pain.001 atau CSV umum"
