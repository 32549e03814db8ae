"""Figures of the Information page. Numbers come from ``gdm_core.information``; only layout
(positions, capping an infinite bar for display, thinning a long line) is decided here."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from gdm_app.figures import COLORS, log_axis, styled
from gdm_core.information import HuffmanNode, question_text

INF_TEXT = "∞"


def _name(i: int, labels) -> str:
    return str(labels[i]) if labels is not None else str(i)


# --- 1. surprise of each face and the entropy -------------------------------------------------

def surprise_bars(p, surprise, h: float, unit: str, labels=None) -> go.Figure:
    """Bars of −log p(x) per outcome with the entropy H(X) as a horizontal line.

    An impossible outcome (surprise ∞) gets a bar capped just above the tallest finite one,
    hatched and labelled "∞", so that the chart still reads correctly.
    """
    p = np.asarray(p, dtype=float)
    surprise = np.asarray(surprise, dtype=float)
    names = [_name(i, labels) for i in range(p.size)]
    finite = surprise[np.isfinite(surprise)]
    cap = 1.15 * max(float(finite.max()) if finite.size else 0.0, h, 1e-9)
    heights = np.where(np.isfinite(surprise), surprise, cap)
    text = [f"{s:.3f}" if math.isfinite(s) else INF_TEXT for s in surprise]
    fig = go.Figure()
    fig.add_bar(
        x=names, y=heights, name="surprise −log p(x)", text=text, textposition="outside",
        marker_color=[COLORS["blue"] if math.isfinite(s) else COLORS["red"] for s in surprise],
        marker_pattern_shape=["" if math.isfinite(s) else "/" for s in surprise],
        customdata=np.column_stack([p, text]),
        hovertemplate="face %{x}<br>p(x) = %{customdata[0]:.4f}<br>−log p(x) = "
                      "%{customdata[1]} " + unit + "<extra></extra>",
    )
    fig.add_scatter(
        x=names, y=[h] * len(names), mode="lines", name=f"entropy H(X) = {h:.3f} {unit}",
        line=dict(color=COLORS["orange"], width=4, dash="dash"),
        hovertemplate="H(X) = %{y:.4f} " + unit + "<extra></extra>",
    )
    fig.update_yaxes(title_text=f"information ({unit})", rangemode="tozero",
                     range=[0, 1.2 * max(cap, h, 1e-9)])
    fig.update_xaxes(title_text="face x")
    return styled(fig, "Surprise of each face and its average, the entropy")


# --- 2. the question tree ---------------------------------------------------------------------

def tree_layout(tree: HuffmanNode) -> dict:
    """Positions for drawing: leaves evenly spaced left to right, a parent above the middle
    of its children, depth downwards. Returns ``{codeword: (x, y)}``."""
    pos: dict[str, tuple[float, float]] = {}
    leaves = list(tree.leaves())
    for k, leaf in enumerate(leaves):
        pos[leaf.codeword] = (float(k), -float(len(leaf.codeword)))

    def place(node: HuffmanNode) -> float:
        if node.is_leaf:
            return pos[node.codeword][0]
        x = 0.5 * (place(node.no) + place(node.yes))
        pos[node.codeword] = (x, -float(len(node.codeword)))
        return x

    place(tree)
    return pos


def huffman_tree_figure(tree: HuffmanNode, labels=None) -> go.Figure:
    """The optimal yes/no question tree: each inner node shows its question, each leaf a face
    with its codeword (1 = yes, 0 = no); edges labelled yes / no."""
    pos = tree_layout(tree)
    ex, ey, lx, ly, ltext = [], [], [], [], []
    inner_x, inner_y, inner_text, inner_hover = [], [], [], []
    leaf_x, leaf_y, leaf_text, leaf_hover = [], [], [], []
    for node in tree.nodes():
        x, y = pos[node.codeword]
        if node.is_leaf:
            face = _name(node.outcomes[0], labels)
            n_q = len(node.codeword)
            leaf_x.append(x)
            leaf_y.append(y)
            leaf_text.append(f"<b>{face}</b><br>{node.codeword or '(no question)'}")
            leaf_hover.append(f"face {face}<br>p = {node.probability:.4f}<br>"
                              f"{n_q} question{'s' if n_q != 1 else ''}")
            continue
        inner_x.append(x)
        inner_y.append(y)
        inner_text.append(question_text(node.yes.outcomes, labels))
        inner_hover.append(f"{question_text(node.yes.outcomes, labels)}<br>"
                           f"P(yes) = {node.yes.probability:.4f}, "
                           f"P(no) = {node.no.probability:.4f}")
        for child, answer in ((node.yes, "yes"), (node.no, "no")):
            cx, cy = pos[child.codeword]
            ex += [x, cx, None]
            ey += [y, cy, None]
            lx.append(0.5 * (x + cx))
            ly.append(0.5 * (y + cy))
            ltext.append(answer)
    fig = go.Figure()
    fig.add_scatter(x=ex, y=ey, mode="lines", name="answers", hoverinfo="skip",
                    line=dict(color="#888", width=2), showlegend=False)
    fig.add_scatter(x=lx, y=ly, mode="text", text=ltext, name="yes/no", hoverinfo="skip",
                    textfont=dict(size=16, color=COLORS["purple"]), showlegend=False)
    fig.add_scatter(x=inner_x, y=inner_y, mode="markers+text", name="questions",
                    text=inner_text, textposition="top center", hovertext=inner_hover,
                    hoverinfo="text", marker=dict(size=16, color=COLORS["orange"],
                                                  symbol="diamond"), showlegend=False)
    fig.add_scatter(x=leaf_x, y=leaf_y, mode="markers+text", name="faces", text=leaf_text,
                    textposition="bottom center", hovertext=leaf_hover, hoverinfo="text",
                    marker=dict(size=22, color=COLORS["blue"]), showlegend=False)
    depth = max(len(leaf.codeword) for leaf in tree.leaves())
    n_leaves = len(leaf_x)
    fig.update_xaxes(visible=False, range=[-0.8, n_leaves - 0.2])
    fig.update_yaxes(visible=False, range=[-depth - 0.9, 0.6])
    return styled(fig, "The optimal yes/no questions (Huffman tree)",
                  height=max(300, 110 * (depth + 1) + 80))


# --- 4. law of large numbers ------------------------------------------------------------------

def _thin(n: int, max_points: int = 1500) -> np.ndarray:
    # A log-spaced subset of 1..n (always with the first and last roll): on a log axis it
    # looks identical and keeps the chart fast for n = 10 000.
    if n <= max_points:
        return np.arange(n)
    idx = np.unique(np.geomspace(1, n, max_points).astype(int) - 1)
    return np.union1d(idx, [0, n - 1])


def lln_figure(running, h: float, unit: str) -> go.Figure:
    """Running average surprise after n rolls against n (log axis), converging to H."""
    running = np.asarray(running, dtype=float)
    idx = _thin(running.size)
    n = idx + 1
    fig = go.Figure()
    fig.add_scatter(x=n, y=running[idx], mode="lines", name="average surprise of n rolls",
                    line=dict(color=COLORS["blue"], width=3),
                    hovertemplate="n = %{x}<br>average = %{y:.4f} " + unit + "<extra></extra>")
    fig.add_scatter(x=[1, running.size], y=[h, h], mode="lines", name=f"H(X) = {h:.3f} {unit}",
                    line=dict(color=COLORS["orange"], width=3, dash="dash"),
                    hovertemplate="H(X) = %{y:.4f} " + unit + "<extra></extra>")
    fig.update_xaxes(title_text="number of rolls n", **log_axis([1, running.size]))
    fig.update_yaxes(title_text=f"average surprise ({unit})", rangemode="tozero")
    return styled(fig, "Average surprise of the rolls so far → entropy")


# --- 5. Bernoulli -----------------------------------------------------------------------------

def bernoulli_figure(grid, h_grid, p: float, h_p: float, h_half: float, unit: str) -> go.Figure:
    """The binary entropy curve H(p) with the current p and the maximum H(1/2) = 1 bit."""
    fig = go.Figure()
    fig.add_scatter(x=grid, y=h_grid, mode="lines", name="H(p)",
                    line=dict(color=COLORS["blue"], width=3),
                    hovertemplate="p = %{x:.3f}<br>H(p) = %{y:.4f} " + unit + "<extra></extra>")
    half_label = "H(1/2) = 1 bit" if unit == "bits" else f"H(1/2) = {h_half:.3f} {unit} = 1 bit"
    fig.add_scatter(x=[0.5], y=[h_half], mode="markers+text", name=half_label,
                    text=[half_label], textposition="top center",
                    marker=dict(size=12, color=COLORS["orange"], symbol="diamond"),
                    hovertemplate=half_label + "<extra></extra>")
    fig.add_scatter(x=[p], y=[h_p], mode="markers", name=f"your coin: H({p:.2f}) = {h_p:.3f} {unit}",
                    marker=dict(size=16, color=COLORS["red"]),
                    hovertemplate="p = %{x:.3f}<br>H(p) = %{y:.4f} " + unit + "<extra></extra>")
    fig.update_xaxes(title_text="p = P(heads)", range=[-0.02, 1.02])
    fig.update_yaxes(title_text=f"H(p) ({unit})", range=[0, 1.25 * h_half])
    return styled(fig, "Entropy of a coin")


# --- 6. information diagram -------------------------------------------------------------------

def information_diagram(summary: dict, unit: str) -> go.Figure:
    """H(X), H(Y) and H(X,Y) as bars made of H(X|Y), I(X;Y) and H(Y|X).

    H(X) = H(X|Y) + I(X;Y), H(Y) = I(X;Y) + H(Y|X), H(X,Y) = H(X|Y) + I(X;Y) + H(Y|X):
    the overlap of the H(X) and H(Y) bars is the mutual information.
    """
    hxy, mi, hyx = summary["H(X|Y)"], summary["I(X;Y)"], summary["H(Y|X)"]
    rows = ["H(X,Y)", "H(Y)", "H(X)"]  # bottom to top
    fig = go.Figure()
    parts = [
        ("H(X|Y)", hxy, 0.0, ["H(X,Y)", "H(X)"], COLORS["blue"]),
        ("I(X;Y)", mi, hxy, ["H(X,Y)", "H(Y)", "H(X)"], COLORS["green"]),
        ("H(Y|X)", hyx, hxy + mi, ["H(X,Y)", "H(Y)"], COLORS["orange"]),
    ]
    for name, value, base, where, color in parts:
        fig.add_bar(
            y=where, x=[value] * len(where), base=[base] * len(where), orientation="h",
            name=f"{name} = {value:.3f} {unit}", marker_color=color,
            text=[f"{name}<br>{value:.3f}" if value > 0.04 * max(summary['H(X,Y)'], 1e-9)
                  else "" for _ in where],
            textposition="inside", insidetextanchor="middle",
            hovertemplate=name + " = " + f"{value:.4f} {unit}" + "<extra>%{y}</extra>",
        )
    fig.update_layout(barmode="overlay", bargap=0.35)
    fig.update_yaxes(categoryorder="array", categoryarray=rows)
    fig.update_xaxes(title_text=f"information ({unit})", rangemode="tozero")
    return styled(fig, "How the entropies fit together", height=380)


# --- 7. KL as extra bits ----------------------------------------------------------------------

def kl_bars(h_p: float, kl_pq: float, h_q: float, kl_qp: float, unit: str) -> go.Figure:
    """Cross-entropy split into entropy + KL, both ways: H(P,Q) = H(P) + KL(P‖Q) and
    H(Q,P) = H(Q) + KL(Q‖P). An infinite KL is drawn as a hatched bar labelled ∞."""
    rows = ["H(P,Q)", "H(Q,P)"]
    finite = [v for v in (h_p + kl_pq, h_q + kl_qp, h_p, h_q) if math.isfinite(v)]
    cap = 1.6 * max(max(finite), 1e-9)
    fig = go.Figure()
    fig.add_bar(x=rows, y=[h_p, h_q], name="entropy H(P) / H(Q)", marker_color=COLORS["blue"],
                text=[f"{h_p:.3f}", f"{h_q:.3f}"], textposition="inside",
                hovertemplate="entropy = %{y:.4f} " + unit + "<extra>%{x}</extra>")
    kls = [kl_pq, kl_qp]
    heights = [k if math.isfinite(k) else cap - h for k, h in zip(kls, (h_p, h_q))]
    fig.add_bar(
        x=rows, y=heights, name="extra: KL(P‖Q) / KL(Q‖P)", marker_color=COLORS["red"],
        marker_pattern_shape=["" if math.isfinite(k) else "/" for k in kls],
        text=[f"+{k:.3f}" if math.isfinite(k) else f"+{INF_TEXT}" for k in kls],
        textposition="inside",
        customdata=[f"{k:.4f}" if math.isfinite(k) else INF_TEXT for k in kls],
        hovertemplate="KL = %{customdata} " + unit + "<extra>%{x}</extra>",
    )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(ticktext=["H(P,Q) = H(P) + KL(P‖Q)", "H(Q,P) = H(Q) + KL(Q‖P)"],
                     tickvals=rows)
    fig.update_yaxes(title_text=f"{unit} per roll", rangemode="tozero")
    return styled(fig, "Cross-entropy = entropy + extra (KL)")


def dice_comparison(p, q, labels=None) -> go.Figure:
    """The two dice side by side, so a face with q = 0 < p stands out."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    names = [_name(i, labels) for i in range(p.size)]
    fig = go.Figure()
    fig.add_bar(x=names, y=p, name="P", marker_color=COLORS["blue"],
                hovertemplate="face %{x}: p = %{y:.4f}<extra></extra>")
    fig.add_bar(x=names, y=q, name="Q", marker_color=COLORS["sky"],
                hovertemplate="face %{x}: q = %{y:.4f}<extra></extra>")
    fig.update_layout(barmode="group")
    fig.update_xaxes(title_text="face")
    fig.update_yaxes(title_text="probability", rangemode="tozero")
    return styled(fig, "The two dice", height=320)


# --- 3. two rolls -----------------------------------------------------------------------------

def pair_surprise_bars(i1: float, i2: float, i12: float, h: float, h12: float,
                       x1: str, x2: str, unit: str) -> go.Figure:
    """Surprises of two independent rolls add up, and so do their averages.

    Left group: I(x₁), I(x₂) and the pair's bar stacked from the two; right group: H(X₁),
    H(X₂) = H(X) and the joint bar stacked from them. A black marker on each stacked bar is the
    pair's value computed directly (−log p(x₁)p(x₂), and H of the joint table), so it sits on
    top of the stack. An infinite surprise is drawn capped, hatched and labelled "∞".
    """
    values = [i1, i2, i12, h, h12]
    finite = [v for v in values if math.isfinite(v)]
    cap = 1.15 * max(max(finite, default=0.0), 1e-9)

    def shown(v: float) -> float:
        return v if math.isfinite(v) else cap

    def label(v: float) -> str:
        return f"{v:.3f}" if math.isfinite(v) else INF_TEXT

    cats = [f"I({x1})", f"I({x2})", f"I({x1}, {x2})", "H(X₁)", "H(X₂)", "H(X₁, X₂)"]
    first = [shown(i1), 0.0, shown(i1), h, 0.0, h]
    second = [0.0, shown(i2), shown(i2), 0.0, h, h]
    fig = go.Figure()
    for name, ys, raw, color in (
            ("first roll", first, [i1, None, i1, h, None, h], COLORS["blue"]),
            ("second roll", second, [None, i2, i2, None, h, h], COLORS["orange"])):
        fig.add_bar(
            x=cats, y=ys, name=name, marker_color=color,
            marker_pattern_shape=["/" if r is not None and not math.isfinite(r) else ""
                                  for r in raw],
            text=["" if r is None else label(r) for r in raw], textposition="inside",
            insidetextanchor="middle",
            hovertemplate="%{x}: " + name + " %{text} " + unit + "<extra></extra>")
    stacked = shown(i1) + shown(i2)
    totals = [i12 if math.isfinite(i12) else stacked, h12]  # ∞: on top of the capped stack
    fig.add_scatter(
        x=[cats[2], cats[5]], y=totals, mode="markers+text", name="the pair, computed directly",
        text=[label(i12), label(h12)], textposition="top center",
        marker=dict(symbol="diamond", size=16, color=COLORS["black"]),
        hovertemplate="%{x} = %{text} " + unit + "<extra></extra>")
    fig.update_layout(barmode="stack", bargap=0.3)
    top = max(stacked, totals[0], 2 * h, h12)
    fig.update_yaxes(title_text=f"information ({unit})", rangemode="tozero",
                     range=[0, 1.2 * max(top, 1e-9)])
    fig.add_vline(x=2.5, line=dict(color="#888888", width=2, dash="dot"))  # one roll | on average
    return styled(fig, "Surprises add up, and so do their averages", height=420)
