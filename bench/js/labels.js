// The visible label of each control a locator matched, and whether it is visible.
(els) => els.map((el) => {
  const lab = el.querySelector('[data-testid="stWidgetLabel"]');
  let text = lab ? lab.innerText : (el.getAttribute('aria-label') || el.innerText || '');
  const visible = el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null;
  return [text, visible];
})
