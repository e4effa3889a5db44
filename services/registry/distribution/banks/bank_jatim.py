"""Bank Jatim (BPD Jawa Timur): the regional bank most villages in Jawa Timur hold their account at.

Upload: no public specification of Bank Jatim's cash-management bulk upload could be found, so there is
no writer. Statement: its rekening koran export has the columns Post Date, Effective Date, Account,
Name, Description, Currency, Debit, Credit, Balance, Reference No, as documented by a public
Indonesian finance project that imports it (astonsistem/simpra-prime-vue, docs/IMPORT_BANK_PILIHAN.md;
not a bank publication). The generic mutation reader (mutation_csv) reads that export as it reads
Mandiri's; ``STATEMENT_COLUMNS`` keeps the list for the tests.
"""
CODE = "bank_jatim"
LABEL = "Bank Jatim (transfer massal)"
FILENAME = "bank-jatim.csv"
MIMETYPE = "text/csv"
SOURCE = ("unggahan: tidak ada spesifikasi publik; rekening koran: kolom menurut "
          "astonsistem/simpra-prime-vue docs/IMPORT_BANK_PILIHAN.md")
UNAVAILABLE = "tidak ada spesifikasi publik tata letak unggahan Bank Jatim; gunakan pain.001 atau CSV umum"
STATEMENT_COLUMNS = ("Post Date", "Effective Date", "Account", "Name", "Description", "Currency", "Debit",
                     "Credit", "Balance", "Reference No")
