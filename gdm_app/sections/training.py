"""The server's one training queue, and how a waiting session shows its place.

Every training button (VAE "Train", GAN "Train this run" on Watch and Compare) runs its training
inside :func:`training_slot`: at most two trainings at once on the whole server
(``gdm_core.training_queue``), the others wait first come, first served with the message
"waiting: 2nd in line" where the training's progress will appear. Torch is set to one thread
there, when a training first needs it (``gdm_core.torch_threads``).
"""

from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

from gdm_core.training_queue import TrainingQueue, ordinal

SLOTS = 2  # two cores: two CPU-bound trainings fill the machine


@st.cache_resource(show_spinner=False)
def queue() -> TrainingQueue:
    """The queue shared by every session of this server process."""
    return TrainingQueue(SLOTS)


def waiting_message(place: int) -> str:
    return (f"waiting: {ordinal(place)} in line — at most {SLOTS} trainings run at once on "
            "this server; yours starts by itself when a place frees up.")


@contextmanager
def training_slot():
    """Hold one of the server's training slots for the block, showing the place in line while
    waiting; torch runs on one thread in the block."""
    note = st.empty()
    with queue().slot(on_wait=lambda place: note.info(waiting_message(place),
                                                       icon=":material/hourglass_top:")):
        note.empty()
        from gdm_core import torch_threads

        torch_threads.one_thread()
        yield
