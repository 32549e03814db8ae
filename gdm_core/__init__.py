"""The mathematics of deep generative models, in plain Python (no Streamlit).

POT (``ot``) imports torch when it is installed, to offer it as a backend, and that alone costs
a server ~180 MB. The app computes every transport in NumPy (``gdm_core.transport``), so POT's
torch backend is switched off here, before any module of the package can import ``ot``; a
training that needs torch imports it itself (``gdm_core.torch_threads``).
"""

import os

os.environ.setdefault("POT_BACKEND_DISABLE_PYTORCH", "1")
