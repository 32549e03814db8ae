"""The interactions bench/bench_browser.py performs, as data.

Each interaction is a dict:

    {"page": "/minimax?preset=spiral",     # URL path (and query string) opened in a fresh context
     "name": "Minimax · preset: orbit",    # shown in the table; --only matches it
     "action": {...} or [{...}, {...}],    # one action, or alternatives tried in order
     "setup": [{...}, ...]}                # optional, unmeasured, each tried and ignored if missing

An action is {"kind": KIND, "label": visible label, ...}:

    slider_keys  {"label", "key": "ArrowRight", "presses": 1}   focus the thumb, press the key
    number       {"label", "value": "0.3"}                      type the value, press Enter
    select       {"label", "option"}                            open the selectbox, click option
    radio        {"label", "option"}                            click the option's label
    pills        {"label", "option"}                            st.pills / st.segmented_control
    checkbox     {"label"}  (toggle is the same widget)         click it
    toggle       {"label"}
    button       {"label"}                                      click the button with that text
    tab          {"label"}                                      click the tab (no rerun expected)
    expander     {"label"}                                      open/close it (no rerun expected)

Optional keys of an action: "scope": "sidebar" (or "main") to look only there; "exact": False
to accept a label that merely contains the text. A label is matched exactly first (whitespace
normalised), then case-insensitively as a prefix, then as a substring; the first visible match
wins, and a control hidden in an inactive tab or a closed expander is revealed before measuring.
A control that is not on the page makes the interaction "skipped", never a failure.

To add an interaction, append a dict to INTERACTIONS (give alternatives for the labels the
rebuilt pages may use). Run only it with `python bench/bench_browser.py --only "its name"`.
"""

from __future__ import annotations


def _alts(*actions: dict) -> list[dict]:
    return list(actions)


INTERACTIONS: list[dict] = [
    # ---- Information ----------------------------------------------------------------------
    {"page": "/information", "name": "Information · die preset → loaded",
     "action": _alts(
         {"kind": "select", "label": "Preset for the die",
          "option": "loaded (6 comes up half the time)"},
         {"kind": "select", "label": "Preset", "option": "loaded", "exact": False},
         {"kind": "radio", "label": "Preset", "option": "loaded", "exact": False},
         {"kind": "pills", "label": "Preset", "option": "loaded", "exact": False})},
    {"page": "/information", "name": "Information · P(6) number input",
     "action": {"kind": "number", "label": "P(6)", "value": "0.3"}},
    {"page": "/information", "name": "Information · face select (tab 1)",
     "action": _alts({"kind": "select", "label": "Face x", "option": "6"},
                     {"kind": "pills", "label": "Face x", "option": "6"},
                     {"kind": "radio", "label": "Face x", "option": "6"})},
    {"page": "/information", "name": "Information · rolls n slider (tab 4)",
     "action": {"kind": "slider_keys", "label": "Number of rolls n", "key": "ArrowRight"}},
    {"page": "/information", "name": "Information · coin p slider (tab 5)",
     "action": {"kind": "slider_keys", "label": "p = P(heads)", "key": "ArrowRight"}},
    {"page": "/information", "name": "Information · joint preset → independent (tab 6)",
     "action": _alts({"kind": "select", "label": "Preset", "option": "independent X and Y"},
                     {"kind": "radio", "label": "Preset", "option": "independent X and Y"},
                     {"kind": "pills", "label": "Preset", "option": "independent X and Y"})},
    {"page": "/information", "name": "Information · switch to tab 7 (KL)",
     "action": _alts({"kind": "tab", "label": "7 · KL: extra bits"},
                     {"kind": "tab", "label": "KL", "exact": False},
                     {"kind": "radio", "label": "Section", "option": "KL", "exact": False},
                     {"kind": "pills", "label": "Section", "option": "KL", "exact": False})},
    {"page": "/information", "name": "Sidebar · units → nats (Information)",
     "action": _alts({"kind": "radio", "label": "Units", "option": "nats", "scope": "sidebar"},
                     {"kind": "pills", "label": "Units", "option": "nats", "scope": "sidebar"},
                     {"kind": "radio", "label": "Units", "option": "nats"},
                     {"kind": "pills", "label": "Units", "option": "nats"})},
    # ---- Divergences ----------------------------------------------------------------------
    {"page": "/divergences", "name": "Divergences · θ slider",
     "action": {"kind": "slider_keys", "label": "θ (shift of the generated line)",
                "key": "ArrowRight"}},
    {"page": "/divergences", "name": "Divergences · support preset → nested",
     "action": _alts({"kind": "radio", "label": "Preset", "option": "P's support inside Q's"},
                     {"kind": "pills", "label": "Preset", "option": "P's support inside Q's"},
                     {"kind": "select", "label": "Preset", "option": "P's support inside Q's"})},
    {"page": "/divergences", "name": "Divergences · discriminator gap slider",
     "action": {"kind": "slider_keys", "label": "gap μ_real − μ_fake", "key": "ArrowRight"}},
    {"page": "/divergences", "name": "Divergences · discriminator σ slider",
     "action": {"kind": "slider_keys", "label": "σ (both)", "key": "ArrowRight"}},
    {"page": "/divergences", "name": "Divergences · σ2 = σ1 checkbox",
     "action": _alts({"kind": "checkbox", "label": "σ2 = σ1"},
                     {"kind": "toggle", "label": "σ2 = σ1"})},
    # ---- Minimax ----------------------------------------------------------------------------
    {"page": "/minimax", "name": "Minimax · preset → spiral",
     "action": _alts({"kind": "select", "label": "Preset", "option": "Simultaneous steps spiral out"},
                     {"kind": "pills", "label": "Preset", "option": "Simultaneous steps spiral out"},
                     {"kind": "radio", "label": "Preset", "option": "Simultaneous steps spiral out"})},
    {"page": "/minimax", "name": "Minimax · preset → orbit",
     "action": _alts({"kind": "select", "label": "Preset", "option": "Alternating steps orbit"},
                     {"kind": "pills", "label": "Preset", "option": "Alternating steps orbit"},
                     {"kind": "radio", "label": "Preset", "option": "Alternating steps orbit"})},
    {"page": "/minimax", "name": "Minimax · preset → converge",
     "action": _alts({"kind": "select", "label": "Preset",
                      "option": "Extragradient and optimism converge"},
                     {"kind": "pills", "label": "Preset",
                      "option": "Extragradient and optimism converge"},
                     {"kind": "radio", "label": "Preset",
                      "option": "Extragradient and optimism converge"})},
    {"page": "/minimax", "name": "Minimax · step size η = 0.3",
     "action": {"kind": "number", "label": "Step size η", "value": "0.3"}},
    {"page": "/minimax", "name": "Minimax · steps = 200",
     "action": {"kind": "number", "label": "Steps", "value": "200"}},
    {"page": "/minimax", "name": "Minimax · toggle Alternating GDA off",
     "action": _alts({"kind": "toggle", "label": "Alternating GDA"},
                     {"kind": "checkbox", "label": "Alternating GDA"},
                     {"kind": "pills", "label": "Methods", "option": "Alternating GDA",
                      "exact": False})},
    {"page": "/minimax", "name": "Minimax · step k slider ←",
     "action": _alts({"kind": "slider_keys", "label": "Show the iterates z₀ … z_k up to step k",
                      "key": "ArrowLeft"},
                     {"kind": "slider_keys", "label": "Show the iterates", "exact": False,
                      "key": "ArrowLeft"},
                     {"kind": "slider_keys", "label": "step k", "exact": False,
                      "key": "ArrowLeft"})},
    # ---- VAE --------------------------------------------------------------------------------
    {"page": "/vae", "name": "VAE · grid size slider",
     "action": _alts({"kind": "slider_keys", "label": "Grid size (tiles per side)",
                      "key": "ArrowRight"},
                     {"kind": "slider_keys", "label": "Grid size", "exact": False,
                      "key": "ArrowRight"})},
    {"page": "/vae", "name": "VAE · pick test digit #7",
     "action": _alts({"kind": "number", "label": "Test digit #", "value": "7"},
                     {"kind": "number", "label": "digit", "exact": False, "value": "7"})},
    {"page": "/vae", "name": "VAE · resample button",
     "action": _alts({"kind": "button", "label": "Resample"},
                     {"kind": "button", "label": "Sample", "exact": False})},
    {"page": "/vae", "name": "VAE · interpolation steps slider",
     "action": _alts({"kind": "slider_keys", "label": "Steps", "key": "ArrowRight"},
                     {"kind": "slider_keys", "label": "steps", "exact": False,
                      "key": "ArrowRight"})},
    {"page": "/vae", "name": "Sidebar · random seed = 1 (VAE)",
     "action": _alts({"kind": "number", "label": "Random seed", "value": "1",
                      "scope": "sidebar"},
                     {"kind": "number", "label": "Random seed", "value": "1"},
                     {"kind": "number", "label": "Seed", "value": "1", "exact": False})},
    # ---- GAN --------------------------------------------------------------------------------
    {"page": "/gan", "name": "GAN · preset → mode collapse",
     "action": {"kind": "select", "label": "Preset (a classic outcome)",
                "option": "mode collapse (non-saturating GAN, a strong discriminator)"}},
    {"page": "/gan", "name": "GAN · snapshot slider ←",
     "action": {"kind": "slider_keys", "label": "Snapshot", "key": "ArrowLeft"}},
    {"page": "/gan?gan_tab=Compare", "name": "GAN · Compare snapshot slider ←",
     "action": {"kind": "slider_keys", "label": "Snapshot (all runs)", "key": "ArrowLeft"}},
    # ---- Why a VAE --------------------------------------------------------------------------
    {"page": "/vae-why?why_tab=ELBO+gap", "name": "Why a VAE · ELBO gap digit #7",
     "action": {"kind": "number", "label": "Test digit #", "value": "7"}},
    {"page": "/vae-why", "name": "Why a VAE · compare view → codes",
     "action": {"kind": "radio", "label": "Compare", "option": "codes", "exact": False}},
    # ---- Gaussians, Fitting a model, the lesson -----------------------------------------------
    {"page": "/gaussians", "name": "Gaussians · ρ slider",
     "action": {"kind": "slider_keys", "label": "ρ", "key": "ArrowLeft"}},
    {"page": "/gaussians", "name": "Gaussians · observed z₂ slider",
     "action": {"kind": "slider_keys", "label": "observed x_b = z₂", "key": "ArrowRight"}},
    {"page": "/fitting?fit_tab=One+Gaussian%2C+four+divergences",
     "name": "Fitting · start μ₀ slider",
     "action": {"kind": "slider_keys", "label": "start μ₀", "key": "ArrowRight"}},
    {"page": "/lesson", "name": "Lesson · Next step",
     "action": {"kind": "button", "label": "Next"}},
]

# Held arrow key: 100 presses 30 ms apart; the time from the last press to the settled page.
HOLD = {"page": "/divergences", "name": "Divergences · θ slider, ← held for 100 presses",
        "action": _alts({"kind": "slider_keys", "label": "θ (shift of the generated line)",
                         "key": "ArrowLeft", "presses": 100, "delay_ms": 30},
                        {"kind": "slider_keys", "label": "θ", "exact": False,
                         "key": "ArrowLeft", "presses": 100, "delay_ms": 30})}

FLOOR = {"page": "/", "name": "Floor · slider → 200-point line",
         "action": {"kind": "slider_keys", "label": "Frequency", "key": "ArrowRight"}}
FLOOR_HOLD = {"page": "/", "name": "Floor · slider, → held for 100 presses",
              "action": {"kind": "slider_keys", "label": "Frequency", "key": "ArrowRight",
                         "presses": 100, "delay_ms": 30}}
