"""Tables the pages show, assembled as plain data (lists of dicts) without Streamlit.

Unit tests read these directly; a page turns them into Markdown with :func:`markdown`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gdm_core import games


def markdown(rows: Sequence[Mapping[str, object]]) -> str:
    """A GitHub-flavoured Markdown table with the keys of the first row as its header."""
    if not rows:
        return ""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(row[h]) for h in head) + " |" for row in rows]
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
    from gdm_core.units import fmt

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
    from gdm_core.units import fmt, from_nats

    rows = []
    for label, p, q in dv.SUPPORT_PRESETS.values():
        d = dv.support_divergences(p, q)
        rows.append({"preset": label, "KL(P‖Q)": fmt(from_nats(d["kl"], unit)),
                     "KL(Q‖P)": fmt(from_nats(d["reverse_kl"], unit)),
                     "JS": fmt(from_nats(d["js"], unit)), "W1": fmt(d["w1"])})
    return rows
