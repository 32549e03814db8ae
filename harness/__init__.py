"""The one way to start a real Streamlit server and drive it from outside, for the browser tests
(``tests/e2e``), the load test (``tests/load``) and the benchmarks (``bench/``).

- :mod:`.server` — ``streamlit run`` on a free localhost port, ready when it serves; every
  section error the server's boundaries catch is logged to a file the caller can read
  (``Server.section_errors()``). Also a command line: ``python -m harness.server --help``.
- :mod:`.browser` — headless Debian Chromium's arguments, "the page has finished drawing", and
  what is wrong on a page (a traceback, a section's error message).
- :mod:`.classroom` — N students at once, each a browser context (``tests/load`` asserts on it,
  ``bench/bench_load.py`` fits memory and CPU over class sizes).

Nothing here imports from ``tests/``; the app's own packages are imported only where their
names are needed (the pages list, the boundary's message).
"""
