// Is the app running its script (or about to)? See B.busy in init.js.
() => window.__bench.busy()
