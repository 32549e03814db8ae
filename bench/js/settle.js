// Resolves once the page is settled (bench_browser.py's docstring: quiet = idle script state, no
// status widget, no DOM mutation for `quiet` ms); times are relative to the action (or to the
// arming, if no input event reached the page).
async ({quiet, grace, needRun, timeout}) => {
  const B = window.__bench;
  const busy = B.busy;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const started = () => B.runs.some(([s, t]) => t >= B.armed &&
                                     (s === 'running' || s === 'rerunRequested'));
  while (true) {
    const now = performance.now();
    const t0 = B.tAction === null ? B.armed : B.tAction;
    if (now - B.armed > timeout) return {timeout: true, elapsed: now - t0};
    const ran = started();
    if ((!needRun || ran || now - B.armed > grace) && !busy() &&
        now - Math.max(B.lastMut, t0) >= quiet) {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const lt = B.longtasks.filter(([s, d]) => s + d >= B.armed && s <= Math.max(B.lastMut, t0));
      return {
        ms: Math.max(0, B.lastMut - t0),
        paint_ms: Math.max(0, Math.max(B.lastPaint, B.lastMut) - t0),
        dispatch_ms: t0 - B.armed,
        longtask_ms: lt.reduce((a, [s, d]) => a + d, 0),
        longtask_n: lt.length,
        ran: ran,
        input_seen: B.tAction !== null,
      };
    }
    await sleep(10);
  }
}
