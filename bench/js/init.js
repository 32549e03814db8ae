// Installed in every page before its own scripts (context.add_init_script): the mutation clock,
// the script-run state, long tasks, and the time of the first input event after the bench "arms"
// a measurement. Everything lives in window.__bench; the other files read it.
(() => {
  if (window.__bench) return;
  const B = window.__bench = {lastMut: 0, lastPaint: 0, nMut: 0, runs: [], longtasks: [],
                              armed: null, tAction: null, lastKey: 0};
  // Streamlit is running the script, or about to (busy.js evaluates it alone).
  B.busy = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const s = app ? app.getAttribute('data-test-script-state') : 'none';
    return s === 'running' || s === 'rerunRequested' || s === 'stopRequested' ||
           !!document.querySelector('[data-testid="stStatusWidget"]');
  };
  const IGNORE = '[data-testid="stHeader"],[data-testid="stStatusWidget"],' +
                 '[data-testid="stToolbar"],[data-testid="stDecoration"]';
  const ignored = (n) => {
    const el = n && (n.nodeType === 1 ? n : n.parentElement);
    return !!(el && el.closest && el.closest(IGNORE));
  };
  const obs = new MutationObserver((muts) => {
    const now = performance.now();
    let counted = false;
    for (const m of muts) {
      if (m.type === 'attributes' && m.attributeName === 'data-test-script-state') {
        B.runs.push([m.target.getAttribute('data-test-script-state'), now]);
        continue;
      }
      if (!ignored(m.target)) counted = true;
    }
    if (counted) {
      B.lastMut = now; B.nMut++;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        B.lastPaint = Math.max(B.lastPaint, performance.now());
      }));
    }
  });
  const start = () => obs.observe(document, {subtree: true, childList: true, attributes: true,
                                             characterData: true});
  start();
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push([e.startTime, e.duration]);
    }).observe({type: 'longtask', buffered: true});
  } catch (e) { B.noLongtask = String(e); }
  const onInput = (ev) => {
    const now = performance.now();
    if (B.armed !== null && B.tAction === null) B.tAction = now;
    if (ev.type === 'keydown') B.lastKey = now;
  };
  for (const t of ['keydown', 'pointerdown', 'mousedown', 'click'])
    window.addEventListener(t, onInput, true);
})();
