"""The lesson: the lectures as an ordered path of views, and a live class that follows it."""

import streamlit as st

from gdm_app import ui
from gdm_app.sections import lesson as shared
from gdm_app.sections.lesson import card, keys, live

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("Lesson")
live.join_from_url()
n = shared.current()
room = st.session_state.get("_lesson_room")          # this session leads a class
student = st.session_state.get("_lesson_student")     # this session follows one
following = bool(student) and live.follow_switch()
shared.write_url(n)

card.navigation(n, disabled=following)
card.header(n)
if room:
    live.teacher_live(n)
elif student:
    live.student_live(n)
else:
    card.solo_question(n)
keys.install()

st.divider()
if room:
    live.teacher_panel(room)
elif not student:
    live.start_button(n)
