"""Page sections, one module each, grouped by page.

A section is a short function under ``@ui.section``: widgets, a call into ``gdm_core``, a
figure. Each module's docstring says what it reads from and writes to session state.
"""
