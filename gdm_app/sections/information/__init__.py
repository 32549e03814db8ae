"""Sections of the Information page."""
