"""Keyboard for the lesson: PageDown, → and Space go forward, PageUp and ← back.

Why a snippet at all: Streamlit has no page-wide key bindings, and a presentation clicker sends
only PageDown/PageUp. ``st.iframe`` of an HTML string (``components.v1.html``'s successor) runs
in an iframe of the same origin (hidden: it draws nothing), so it can listen on the parent document and press the page's own Next/Previous buttons (found by the
stable class ``st-key-<key>`` Streamlit gives a keyed element): the buttons stay the one way to
move, with their callbacks and the teacher's authority. The handler is replaced, not added, on
every render (kept on the parent window), ignores keys typed into inputs and does nothing on
pages without the buttons.
"""

from __future__ import annotations

import streamlit as st

SCRIPT = """<script>
const doc = window.parent.document, win = window.parent;
if (win.__gdmLessonKeys) doc.removeEventListener("keydown", win.__gdmLessonKeys);
win.__gdmLessonKeys = (e) => {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
  const t = e.target, tag = (t && t.tagName || "").toLowerCase();
  if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
  const key = {PageDown: "next", ArrowRight: "next", " ": "next", PageUp: "prev", ArrowLeft: "prev"}[e.key];
  if (!key) return;
  // an arrow on a slider, a tab or a radio moves that widget, not the lesson
  if (e.key.startsWith("Arrow") && t && t.closest &&
      t.closest("[role=slider], [role=tab], [role=tablist], [role=radiogroup], [role=radio]")) return;
  if (e.key === " " && t && t.closest && t.closest("button, label, [role=radio], [role=tab]")) return;
  const button = doc.querySelector(".st-key-lesson_" + key + " button");
  if (!button || button.disabled) return;
  e.preventDefault();
  button.click();
};
doc.addEventListener("keydown", win.__gdmLessonKeys);
</script>"""


def install() -> None:
    st.html("<style>.st-key-lesson_keys {display: none;}</style>")
    with st.container(key="lesson_keys"):
        st.iframe(SCRIPT, height=1)
