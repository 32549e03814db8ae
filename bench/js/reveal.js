// Show a control hidden in an inactive tab or a closed expander; returns what it clicked.
(el) => {
  const vis = (n) => n.checkVisibility ? n.checkVisibility() : n.offsetParent !== null;
  const steps = [];  // innermost first; clicked outermost first
  for (let n = el; n && n !== document.body; n = n.parentElement) {
    const tid = n.getAttribute && n.getAttribute('data-testid');
    if (tid === 'stTabPanel' || (n.getAttribute && n.getAttribute('role') === 'tabpanel')) {
      const tabs = n.parentElement && n.parentElement.closest('[data-testid="stTabs"]');
      if (!tabs) continue;
      const own = (x) => x.closest('[data-testid="stTabs"]') === tabs;
      const panels = [...tabs.querySelectorAll('[data-testid="stTabPanel"]')].filter(own);
      const buttons = [...tabs.querySelectorAll('[role="tab"]')].filter(own);
      const tab = buttons[panels.indexOf(n)];
      if (tab) steps.push(['tab', tab]);
    }
    if (n.tagName === 'DETAILS' && !n.open) {
      const s = n.querySelector('summary');
      if (s) steps.push(['expander', s]);
    }
  }
  const clicked = [];
  for (const [kind, node] of steps.reverse()) {
    if (kind === 'tab' && node.getAttribute('aria-selected') === 'true') continue;
    node.click();
    clicked.push(kind + ' ' + node.innerText.trim());
  }
  return clicked;
}
