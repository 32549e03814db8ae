// Resolves true once the app is idle and the DOM has been quiet for `quiet` ms (false: timeout).
async ({quiet, timeout}) => {
  const B = window.__bench;
  const busy = B.busy;
  const t0 = performance.now();
  while (performance.now() - t0 < timeout) {
    if (!busy() && performance.now() - B.lastMut >= quiet) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
