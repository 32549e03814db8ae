r"""The preset runs: the classic outcomes of GAN training on the ring, trained once and shipped.

``python -m gdm_core.gan --make-presets checkpoints/gan`` trains :data:`PRESETS` and writes each
run (:func:`gdm_core.gan.save_run`) beside a ``presets.json`` of their final figures.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from gdm_core import gan_referee
from gdm_core.gan._config import GANConfig, compare_configs
from gdm_core.gan._results import GANRun, load_run, save_run
from gdm_core.paths import GAN_PRESETS

PRESET_DIR = GAN_PRESETS

PRESETS: dict[str, tuple[str, GANConfig, str]] = {
    "wgan-gp": (
        "WGAN-GP covers all 8 modes",
        GANConfig(data="ring8", loss="wgan-gp", seed=0),
        "The critic's gradient (arrows) points every fake towards a mode; all 8 modes are "
        "captured, most fakes sit within 3 sd of one, and W₁ between samples falls the "
        "lowest of all the presets — still above the floor of two real samples: the fakes blur "
        "each mode a little.",
    ),
    "mode-collapse": (
        "mode collapse (non-saturating GAN, a strong discriminator)",
        GANConfig(data="ring8", loss="nonsaturating", n_critic=10, lr=1e-3, batch=256,
                  gp_lambda=10.0, seed=0),
        "10 D steps per G step: wherever the fakes go, D learns to reject them at once, and the "
        "one place G can hold is a single real mode. Early on (before step 200) the fakes hop "
        "between two neighbouring modes, then gather on one of them for good — 1 of 8 modes captured, nearly "
        "every fake within 3 sd of it — while the other seven stay empty.",
    ),
    "clipping": (
        "clipping: the critic is too simple",
        GANConfig(data="ring8", loss="wgan-clip", n_critic=5, lr=5e-4, clip=0.01, batch=256,
                  gp_lambda=10.0, seed=0),
        "With every weight in [−0.01, 0.01] the critic's surface is nearly flat and smooth: its "
        "gradient cannot pull the fakes onto 8 small modes. They stay a blur around the ring — "
        "a few stray fakes touch several modes, but only a small share is within 3 sd of one "
        "(most are, for WGAN-GP) — and the critic's weights pile up at ±c.",
    ),
    "strong-discriminator": (
        "minimax loss, a strong discriminator: everything on one mode",
        GANConfig(data="ring8", loss="minimax", n_critic=10, lr=1e-3, batch=256,
                  gp_lambda=10.0, seed=0),
        "10 D steps per G step with the saturating loss: the fakes leave the centre and all "
        "land on a single mode — 1 of 8 captured, nearly every fake within 3 sd of it — and "
        "stay there, W₁ far above the floor.",
    ),
    "vanishing-gradient": (
        "vanishing gradient: a discriminator that is too good",
        GANConfig(data="ring8", loss="minimax", steps=500, n_critic=100, lr=5e-3, batch=256,
                  gp_lambda=10.0, seed=0),
        "100 D steps per G step with the saturating loss: D rejects the fakes at the ring's centre "
        "so confidently that their mean push falls from about 0.02 to about 1e-12 after the "
        "first steps and they stop dead, W₁ over ten times the floor — switch the objective to "
        "non-saturating and the same run carries them onto the ring.",
    ),
}


# The Compare tab's default view (the WGAN-GP preset beside each other objective with its
# papers' settings) ships too, so that Compare opens full instead of asking to train.
COMPARE_RUNS: dict[str, GANConfig] = {
    f"compare-{config.loss}": config
    for config in compare_configs(PRESETS["wgan-gp"][1], ["nonsaturating", "minimax",
                                                          "wgan-clip", "lsgan"])
}


def preset_path(name: str, directory: str | Path | None = None) -> Path:
    if name not in PRESETS and name not in COMPARE_RUNS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}.")
    return Path(directory or PRESET_DIR) / f"{name}.npz"


def load_preset_run(name: str, directory: str | Path | None = None) -> GANRun:
    """The shipped precomputed run of a preset (``checkpoints/gan/<name>.npz`` + ``.json``)."""
    return load_run(preset_path(name, directory))


def preset_metrics(directory: str | Path | None = None) -> dict:
    """The ``presets.json`` written beside the shipped runs: command and final figures."""
    path = Path(directory or PRESET_DIR) / "presets.json"
    if not path.is_file():
        raise ValueError(f"no preset summary at {path}; run python -m gdm_core.gan "
                         "--make-presets checkpoints/gan")
    return json.loads(path.read_text())


def _reusable(config: GANConfig, reuse: str | Path | None) -> GANRun | None:
    """A run saved in ``reuse`` by :func:`save_run` with exactly this config, if any."""
    if reuse is None:
        return None
    for path in sorted(Path(reuse).glob("*.npz")):
        try:
            meta = json.loads(path.with_suffix(".json").read_text())
            if GANConfig.from_dict(meta["config"]) == config and meta["stopped_reason"] is None:
                return load_run(path)
        except (OSError, ValueError, KeyError):
            continue
    return None


def make_presets(directory: str | Path, names=None, log=print, reuse=None) -> dict:
    """Train each preset and write ``<name>.npz``/``.json`` and ``presets.json`` to directory.

    ``names`` may also name Compare runs (:data:`COMPARE_RUNS`, e.g. ``"compare-lsgan"``) to
    make just those; a full refresh (no names) makes every preset and every Compare run.

    ``reuse``: a directory of runs saved earlier by :func:`save_run`; a preset whose exact
    config is there is copied instead of retrained (training is deterministic, so the result
    is the same run; the summary records which presets were reused).
    """
    import torch  # making presets trains them; serving them (load_preset_run) needs no torch

    from gdm_core.gan._train import train_gan

    directory = Path(directory)
    names = list(names or PRESETS)
    unknown = [name for name in names if name not in PRESETS and name not in COMPARE_RUNS]
    if unknown:
        raise ValueError(f"unknown preset {unknown[0]!r}; choose among "
                         f"{', '.join([*PRESETS, *COMPARE_RUNS])}.")
    summary_path = directory / "presets.json"
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else {}
    summary["command"] = "python -m gdm_core.gan --make-presets " + str(directory)
    summary["torch"] = torch.__version__
    summary.setdefault("presets", {})
    summary.setdefault("compare", {})
    jobs = [(name, *PRESETS[name]) for name in names if name in PRESETS]
    compare = list(COMPARE_RUNS) if names == list(PRESETS) else [  # a full refresh: all of them
        name for name in names if name in COMPARE_RUNS]
    jobs += [(name, f"compare: {COMPARE_RUNS[name].loss}", COMPARE_RUNS[name], "")
             for name in compare]
    for name, label, config, look_for in jobs:
        run = _reusable(config, reuse)
        reused = run is not None
        if run is None:
            log(f"{name}: training {config}")
            run = train_gan(config)
        else:
            log(f"{name}: reusing a saved run of the same config from {reuse}")
        save_run(run, preset_path(name, directory), extra={"preset": name, "label": label,
                                                            "look_for": look_for})
        referee = {}
        if len(run.final_fake) >= gan_referee.N_REFEREE:
            n = gan_referee.N_REFEREE
            referee = {f"w1_n{n}": round(gan_referee.w1_between_samples(run.final_fake,
                                                                         config.data, n), 4),
                       f"w1_floor_n{n}": [round(v, 4) for v in gan_referee.floor(config.data, n)]}
        summary["presets" if name in PRESETS else "compare"][name] = {"label": label, "config": config.to_dict(),
                                    "reused": reused, "look_for": look_for,
                                    **run.final_metrics(), **referee}
        log(f"{name}: {run.final_metrics()}")
        tmp = summary_path.with_name("presets.json.tmp")
        tmp.write_text(json.dumps(summary, indent=2) + "\n")
        os.replace(tmp, summary_path)
    return summary
