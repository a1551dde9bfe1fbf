"""Reusable layout pieces shared by the pages."""
