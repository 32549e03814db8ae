"""Home: a gallery of every page's key figure, each under a link that stays in this session."""

import streamlit as st

from gdm_app import ui
from gdm_app.sections.home import gallery

ui.ensure_entrypoint()  # a deep link must still go through app.py

st.title("gdm-explorer")
st.markdown("The mathematics of deep generative models, one picture at a time: open a page "
            "from its picture.")
ui.page_link("lesson.py", "**Teach with it: the lesson** — the lectures as a path of views, "
             "with a live class that follows you", icon=":material/school:")
gallery.show()

TOPICS = {
    "information.py": "Surprise −log p(x), entropy as expected surprise, perfect yes/no "
                      "questions (Huffman codes), joint and conditional entropy, mutual "
                      "information, and KL as the extra bits you pay for the wrong distribution.",
    "divergences.py": "KL, Jensen–Shannon and Wasserstein on two parallel lines that do not "
                      "overlap: the values, and above all the gradients — why a GAN's generator "
                      "gets no signal from JS and a WGAN's does from the earth mover's distance.",
    "fitting.py": "Maximum likelihood is minimising KL(p_data ‖ p_θ); one Gaussian fitted to "
                  "two modes by forward KL (covers both: blur), reverse KL (picks one: missing "
                  "modes), JS and W₁; generative vs discriminative classifiers.",
    "minimax.py": "The game min_x max_y xy: simultaneous gradient steps spiral out, alternating "
                  "ones orbit, extragradient and optimistic steps converge — the reason GAN "
                  "training oscillates.",
    "gan.py": "Real GANs training on 2-D data: the minimax, non-saturating and least-squares "
              "GAN, WGAN with clipping and WGAN-GP side by side — mode collapse, vanishing "
              "gradients and the critic's weights, refereed by the exact Wasserstein distance.",
    "vae.py": "A variational autoencoder with a 2-D latent trained on MNIST: walk its latent "
              "plane, see the encoded digits, sample, interpolate, and split the ELBO into its "
              "two terms.",
    "vae-why.py": "Why a VAE and not an autoencoder, the exact gap between log p(x) and the "
                  "ELBO, the reparameterisation trick, and how many latent dimensions it needs.",
    "gaussians.py": "Marginals, conditionals and the KL between two Gaussians — the facts the "
                    "VAE's derivations use — checked against Monte Carlo.",
}
st.divider()
st.subheader("What each page shows")
st.markdown("\n".join(f"- **{title}.** {TOPICS[file]}" for file, title, _, _, _ in ui.PAGES
                      if file in TOPICS))
st.caption("The **Settings** in the sidebar (units and random seed) hold on every page.")

st.subheader("Using it in class")
st.markdown(
    "- Project one page and move one slider at a time; every number on a page is computed, "
    "not typed in, and the formulas sit beside the figures.\n"
    "- Ask students to predict before you move the slider (\"what happens to the entropy if "
    "one face becomes nearly certain?\").\n"
    "- The address bar always holds what you see: copy it at any moment and a student who "
    "opens it sees the same numbers (tab, sliders, units and seed).\n"
    "- Nothing is downloaded while the app runs: it works on poor classroom Wi-Fi once loaded."
)
