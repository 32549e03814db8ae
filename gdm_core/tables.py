"""Tables the pages show, assembled as plain data (lists of dicts) without Streamlit.

Unit tests read these directly; a page turns them into Markdown with :func:`markdown`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gdm_core import games
from gdm_core.units import fmt, from_nats


def _cell_text(value) -> str:
    # A bare "|" (as in p(x|z)) would end the cell: escape it.
    return str(value).replace("|", "\\|")


def markdown(rows: Sequence[Mapping[str, object]]) -> str:
    """A GitHub-flavoured Markdown table with the keys of the first row as its header."""
    if not rows:
        return ""
    head = list(rows[0])
    lines = ["| " + " | ".join(map(_cell_text, head)) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_cell_text(row[h]) for h in head) + " |" for row in rows]
    return "\n".join(lines)


MINIMAX_STEP = {
    "simultaneous": "×√(1+η²) exactly",
    "alternating": "det = 1, keeps Q = x²+y²−ηxy",
    "extragradient": "×√(1−η²+η⁴) exactly",
    "optimistic": "two-step recursion",
}


def minimax_rows(runs: Mapping[str, games.Run], theory: Mapping[str, object], lr: float,
                 k: int, band: tuple[float, float] | None) -> list[dict]:
    """One row per run: its step, rate, ‖z_k‖ measured and from theory, and what it does.

    ``k`` is clipped to the last step each run kept (a diverged run stops early).
    """
    rows = []
    for method, run in runs.items():
        kk = min(k, run.steps_done)
        measured = float(games.distances(run.path[kk]))
        t = theory.get(method)
        if t is not None:
            theory_text = f"{t[kk]:.6g}"
        elif band is not None:
            theory_text = f"in [{band[0]:.4g}, {band[1]:.4g}]"
        else:
            theory_text = "no bounded orbit (η ≥ 2)"
        rows.append({
            "method": games.METHOD_LABELS[method],
            "one step": MINIMAX_STEP[method],
            "rate ρ (‖z_k‖ ≈ ρᵏ)": f"{games.spectral_radius(method, lr):.6g}",
            "‖z_k‖ measured": f"{measured:.6g} (k={kk})",
            "‖z_k‖ theory": theory_text,
            "behaviour": games.behaviour(run),
        })
    return rows


def huffman_rows(p, code, surprise_bits, labels) -> list[dict]:
    """The Huffman table: each outcome's probability, answers, question count and −log₂ p."""
    return [{
        "face": label,
        "p(x)": round(float(px), 4),
        "answers (1 = yes)": c if c is not None else "never asked (p = 0)",
        "questions ℓ(x)": len(c) if c is not None else 0,
        "−log₂ p(x)": fmt(s, None, 3),
    } for label, px, c, s in zip(labels, p, code, surprise_bits)]


def support_rows(unit: str) -> list[dict]:
    """KL both ways, JS and W1 for each support preset of the Divergences page."""
    from gdm_core import divergences as dv
    rows = []
    for label, p, q in dv.SUPPORT_PRESETS.values():
        d = dv.support_divergences(p, q)
        rows.append({"preset": label, "KL(P‖Q)": fmt(from_nats(d["kl"], unit)),
                     "KL(Q‖P)": fmt(from_nats(d["reverse_kl"], unit)),
                     "JS": fmt(from_nats(d["js"], unit)), "W1": fmt(d["w1"])})
    return rows


def _cell(nats, unit: str, spread=None) -> str:
    if not isinstance(nats, (int, float)):
        return "—"
    text = fmt(from_nats(nats, unit), None, 2)
    if isinstance(spread, (int, float)) and spread == spread:  # not NaN
        text += f" ± {fmt(from_nats(spread, unit), None, 2)}"
    return text


def elbo_rows(b: dict, rec_all, kl_all, logged: dict, digit: int, k: int,
              unit: str) -> list[dict]:
    """The ELBO table: one digit (estimates ± spread), the shipped digits' mean, the log.

    ``b`` is :func:`gdm_core.estimates.digit_bounds`'s result, ``rec_all``/``kl_all`` the terms
    of every shipped digit, ``logged`` the last epoch of the training log (all nats).
    """
    n = len(rec_all)
    log_elbo = (-logged["test_neg_elbo"] if isinstance(logged.get("test_neg_elbo"), (int, float))
                else None)
    mean_rec, mean_kl = float(rec_all.mean()), float(kl_all.mean())
    names = ["reconstruction E_q[log p(x|z)]", "KL(q(z|x) ‖ p(z))",
             "ELBO = reconstruction − KL", f"IW bound 𝓛_k, k = {k}"]
    digit_col = [_cell(b["rec"], unit, b["rec_se"]), _cell(b["kl"], unit),
                 _cell(b["elbo"], unit, b["rec_se"]), _cell(b["iw"], unit, b["iw_sd"])]
    mean_col = [_cell(mean_rec, unit), _cell(mean_kl, unit), _cell(mean_rec - mean_kl, unit), "—"]
    log_col = [_cell(logged.get("test_rec"), unit), _cell(logged.get("test_kl"), unit),
               _cell(log_elbo, unit), "—"]
    return [{"": name, f"digit #{digit}": d, f"mean of the {n:,} shipped digits": m,
             "all 10,000 test digits (training log)": g}
            for name, d, m, g in zip(names, digit_col, mean_col, log_col)]


def elbo_bar_rows(b: dict, rec_all, kl_all, digit: int, unit: str) -> list[tuple]:
    """(label, reconstruction, KL) in ``unit`` for the ELBO bar chart."""
    return [(f"digit #{digit}", from_nats(b["rec"], unit), from_nats(b["kl"], unit)),
            (f"mean of {len(rec_all):,} test digits", from_nats(float(rec_all.mean()), unit),
             from_nats(float(kl_all.mean()), unit))]


def gan_hand_rows(history: Sequence[Mapping]) -> list[dict]:
    """What each hand step did: the step counts after it, its loss, W1 and modes covered."""
    rows = []
    for h in history:
        if h["g_steps"] == 0 and h["d_steps"] == 0:
            action = "start"
        else:
            action = "train D" if h["d_loss"] == h["d_loss"] else "train G"  # NaN marks the other
        loss = h["d_loss"] if action == "train D" else h["g_loss"]
        rows.append({"action": action, "G / D steps": f"{h['g_steps']} / {h['d_steps']}",
                     "loss": "—" if loss != loss else fmt(loss, None, 3),
                     "W₁": fmt(h["w1"], None, 3), "modes": h["modes"]})
    return rows


def latent_dim_rows(study: Sequence[Mapping], unit: str) -> list[dict]:
    """One row per latent dimension: −ELBO, −reconstruction, KL and the −IW bound, in ``unit``
    (named in every column header, so a row copied out of the page keeps its unit)."""
    return [{"d": r["d"], f"−ELBO ({unit})": fmt(from_nats(r["neg_elbo"], unit), None, 1),
             f"−rec. ({unit})": fmt(from_nats(-r["reconstruction"], unit), None, 1),
             f"KL ({unit})": fmt(from_nats(r["kl"], unit), None, 1),
             f"−IW ({unit})": fmt(from_nats(r["neg_iw"], unit), None, 1)}
            for r in study]
