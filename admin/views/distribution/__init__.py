"""Penyaluran screens: pickup cards and desk, goods stock, bank accounts and batches, bank results, verification."""
