"""Pemberdayaan screens: trainings and follow-ups, business capital, community meetings, partners, Ruang Mitra."""
