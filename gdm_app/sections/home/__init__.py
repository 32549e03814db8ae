"""Sections of the Home page: the gallery of each page's key figure."""
