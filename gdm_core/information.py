r"""Information theory of discrete distributions: surprise, entropy, KL, mutual information.

Every function takes probabilities as array-likes and a keyword ``base`` for the logarithm.
Like all of ``gdm_core`` they compute in **nats** by default (``base = e``); a page passes the
base of the unit the student chose (``gdm_core.units.LOG_BASE``: 2 for bits), so a value is
converted once, where it is shown. The convention :math:`0 \log 0 = 0` holds throughout: an
outcome that never happens adds nothing to an expectation.

References
----------
C. E. Shannon, "A Mathematical Theory of Communication", Bell System Technical Journal 27, 1948.
T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley 2006
(ch. 2: entropy, relative entropy, mutual information; ch. 5: Huffman codes).
D. A. Huffman, "A Method for the Construction of Minimum-Redundancy Codes", Proc. IRE 40, 1952.
Lecture "Information" of the course (surprise, entropy as expected surprise, perfect yes/no
questions, conditional entropy, mutual information, KL as extra bits).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-6  # how far from 1 a total may always be (float rounding of typed decimals)
# The pages show and take probabilities with 4 decimals, so each typed entry may be off by up to
# half a unit in the last place: n entries can add up to 1 ± n·0.5e-4 (six times 0.1667 is
# 1.0002). Such a total is 1 to the precision shown, and is rescaled silently, never refused.
SHOWN_DECIMALS = 4
# ... but never more than this, so a long list cannot hide a real mistake (200+ entries)
MAX_SHOWN_SLACK = 0.01


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

def _as_float_array(values, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers (probabilities); got {values_repr(values)}."
                         ) from None
    return arr


def _entry_name(index, labels, name: str) -> str:
    if labels is not None:
        return str(np.asarray(labels, dtype=object)[index])
    if isinstance(index, tuple):
        return f"{name}[{', '.join(str(int(i)) for i in index)}]"
    return f"{name}[{int(index)}]"


def _check_base(base: float) -> float:
    try:
        b = float(base)
    except (TypeError, ValueError):
        raise ValueError(f"The log base must be a number, got {base!r}.") from None
    if not math.isfinite(b) or b <= 1.0:
        raise ValueError(f"The log base must be a finite number larger than 1 "
                         f"(2 for bits, e for nats), got {base!r}.")
    return b


def shown_tolerance(n: int, decimals: int = SHOWN_DECIMALS) -> float:
    r"""How far from 1 the total of n entries shown with ``decimals`` decimals may be and still
    be 1 to that precision: :math:`n \cdot \tfrac12 10^{-\text{decimals}}` (at least
    ``TOLERANCE``, at most ``MAX_SHOWN_SLACK``)."""
    return min(MAX_SHOWN_SLACK, max(TOLERANCE, n * 0.5 * 10.0 ** -decimals))


def _total(arr: np.ndarray) -> float:
    with np.errstate(over="ignore"):  # a huge typed-in value: the total is inf
        return float(arr.sum())


def close_to_one(values, decimals: int = SHOWN_DECIMALS) -> bool:
    """Whether ``values`` are finite, non-negative numbers whose total is 1 to the precision
    they are shown with (:func:`shown_tolerance`) — exactly the totals that
    :func:`check_distribution` accepts."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        return False
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        return False
    total = _total(arr)
    return math.isfinite(total) and abs(total - 1.0) <= shown_tolerance(arr.size, decimals)


def was_rescaled(values, decimals: int = SHOWN_DECIMALS) -> bool:
    """Whether :func:`check_distribution` accepts ``values`` only after a visible rescaling:
    the total is 1 to the shown precision but not to float rounding (off by more than 1e-9).
    The page should then say so, e.g. with :func:`rescale_note`."""
    if not close_to_one(values, decimals):
        return False
    return abs(_total(np.asarray(values, dtype=float)) - 1.0) > 1e-9


def rescale_note(values, decimals: int = SHOWN_DECIMALS) -> str | None:
    """One sentence for the page when ``values`` were rescaled (:func:`was_rescaled`), else None."""
    if not was_rescaled(values, decimals):
        return None
    arr = np.asarray(values, dtype=float)
    return (f"The {arr.size} values add up to {_total(arr):.{decimals}f}, which is 1 to the "
            f"{decimals} decimals shown; they were divided by their sum.")


def check_distribution(p, name: str = "p", ndim: int = 1, labels=None,
                       decimals: int = SHOWN_DECIMALS) -> np.ndarray:
    r"""Return ``p`` as a float array if it is a probability distribution, else raise.

    A distribution has non-negative entries with :math:`\sum_x p(x) = 1`. A total within
    :func:`shown_tolerance` of 1 (n entries shown with ``decimals`` decimals: up to
    n·0.5·10^-decimals, so six times 0.1667 = 1.0002 passes) is accepted and the returned array
    is rescaled to add up to exactly 1; :func:`was_rescaled` / :func:`rescale_note` tell the
    page when that was more than float rounding. Anything further from 1 is refused.

    Parameters
    ----------
    p : array-like
        The probabilities.
    name : str
        How the message refers to ``p``.
    ndim : int
        1 for a distribution over one variable, 2 for a joint table ``P(X=i, Y=j)``.
    labels : sequence or 2-D array of str, optional
        Names of the entries for the message (e.g. ``["face 1", ..., "face 6"]``).
    decimals : int
        How many decimals the values were shown and typed with (4 on the pages).

    Raises
    ------
    ValueError
        Wrong shape, empty, NaN or infinite entries, negative entries, or a total that is not 1
        to the precision shown.
    """
    arr = _as_float_array(p, name)
    kind = "a list of probabilities" if ndim == 1 else "a table (2-D array) of probabilities"
    if arr.ndim == 0:
        raise ValueError(f"{name} must be {kind}; got the single value {values_repr(p)}.")
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {kind}; got an array with {arr.ndim} dimension(s) "
                         f"(shape {arr.shape}).")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: a distribution needs at least one outcome.")
    bad = np.argwhere(np.isnan(arr))
    if len(bad):
        raise ValueError(f"{name} has a missing value (NaN) at {_entry_name(_idx(bad[0]), labels, name)}.")
    bad = np.argwhere(np.isinf(arr))
    if len(bad):
        raise ValueError(f"{name} has an infinite value at {_entry_name(_idx(bad[0]), labels, name)}.")
    bad = np.argwhere(arr < 0)
    if len(bad):
        i = _idx(bad[0])
        raise ValueError(f"Probabilities cannot be negative: {_entry_name(i, labels, name)} "
                         f"= {arr[i]:g}.")
    total = _total(arr)
    if not math.isfinite(total) or abs(total - 1.0) > shown_tolerance(arr.size, decimals):
        raise ValueError(f"The probabilities of {name} must add up to 1, but they add up to "
                         f"{total:.6g}.")
    return arr / total if total != 1.0 else arr


def values_repr(value) -> str:
    """A short, readable rendering of what the caller passed (for error messages)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _idx(row):
    return int(row[0]) if len(row) == 1 else tuple(int(i) for i in row)


def can_normalize(p) -> bool:
    """Whether dividing ``p`` by its total gives a distribution: finite, non-negative, total > 0.

    Negative entries are not "fixable" by rescaling (which entry is wrong?), and an all-zero
    list has nothing to rescale, so for those no normalisation is offered.
    """
    try:
        arr = np.asarray(p, dtype=float)
    except (TypeError, ValueError):
        return False
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        return False
    with np.errstate(over="ignore"):
        total = float(arr.sum())
    return math.isfinite(total) and total > 0


def normalize(p) -> np.ndarray:
    r"""Rescale non-negative weights into a distribution: :math:`p(x) / \sum_{x'} p(x')`.

    Raises
    ------
    ValueError
        If an entry is negative, NaN or infinite, or all entries are zero.
    """
    if not can_normalize(p):
        arr = _as_float_array(p, "p")
        if arr.size == 0:
            raise ValueError("Nothing to normalise: the list is empty.")
        if not np.all(np.isfinite(arr)):
            raise ValueError("Cannot normalise: some entries are missing (NaN) or infinite.")
        if np.any(arr < 0):
            raise ValueError("Cannot normalise: probabilities cannot be negative.")
        raise ValueError("Cannot normalise: all entries are zero (or the total is too large).")
    arr = np.asarray(p, dtype=float)
    return arr / arr.sum()


def _check_pair(p, q) -> tuple[np.ndarray, np.ndarray]:
    p = check_distribution(p, "p")
    q = check_distribution(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same number of outcomes; got {p.size} and "
                         f"{q.size}.")
    return p, q


# ---------------------------------------------------------------------------------------------
# One variable
# ---------------------------------------------------------------------------------------------

def information_content(p, *, base: float = math.e):
    r"""Surprise of an event of probability ``p``: :math:`I(x) = -\log_b p(x)`.

    Works elementwise on an array of probabilities (they need not add up to 1, each is the
    probability of its own event). :math:`I = \infty` for an impossible event (p = 0).

    Examples
    --------
    >>> round(information_content(1 / 6), 3)   # one face of a fair die, in nats: ln 6
    1.792
    >>> round(information_content(1 / 6, base=2), 3)   # in bits: log2 6
    2.585
    """
    b = _check_base(base)
    arr = _as_float_array(p, "p")
    if arr.size == 0:
        raise ValueError("p is empty: give at least one probability.")
    if np.any(np.isnan(arr)):
        raise ValueError("A probability is missing (NaN).")
    if np.any(arr < 0) or np.any(arr > 1):
        raise ValueError("A probability must lie between 0 and 1.")
    with np.errstate(divide="ignore"):
        out = -np.log(arr) / math.log(b)
    out = out + 0.0  # turn -0.0 (for p = 1) into 0.0
    return float(out) if out.ndim == 0 else out


def _nonneg(x: float) -> float:
    # For quantities that are >= 0 in exact arithmetic: clip rounding noise (-1e-17) and
    # "-0.0" (max(-0.0, 0.0) would keep -0.0, which prints as "-0.000").
    return x if x > 0 else 0.0


def _plogq(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    # p * log(q) with 0 * log(anything) = 0: terms where p = 0 are dropped, not 0 * -inf = nan.
    out = np.zeros_like(p)
    mask = p > 0
    with np.errstate(divide="ignore"):
        out[mask] = p[mask] * np.log(q[mask])
    return out


def entropy(p, *, base: float = math.e) -> float:
    r"""Entropy, the expected surprise: :math:`H(X) = -\sum_x p(x) \log_b p(x)`.

    Examples
    --------
    >>> round(entropy([1 / 6] * 6), 3)   # fair die: ln 6 nats
    1.792
    >>> round(entropy([1 / 6] * 6, base=2), 3)   # = log2 6 bits
    2.585
    """
    b = _check_base(base)
    p = check_distribution(p, "p")
    h = -float(_plogq(p, p).sum()) / math.log(b)
    return _nonneg(h)  # each term is >= 0: this only turns "-0.0" into 0.0


def cross_entropy(p, q, *, base: float = math.e) -> float:
    r"""Cross-entropy :math:`H(P, Q) = -\sum_x p(x) \log_b q(x)` = H(P) + KL(P‖Q).

    The expected surprise when outcomes come from P but you expect Q. It is :math:`\infty`
    when Q gives probability 0 to an outcome P can produce.
    """
    b = _check_base(base)
    p, q = _check_pair(p, q)
    if np.any((p > 0) & (q == 0)):
        return math.inf
    return _nonneg(-float(_plogq(p, q).sum()) / math.log(b))


def support_violations(p, q) -> list[int]:
    """Indices of outcomes that P can produce (p > 0) but Q calls impossible (q = 0).

    These are exactly the outcomes that make KL(P‖Q) and H(P, Q) infinite.
    """
    p, q = _check_pair(p, q)
    return [int(i) for i in np.flatnonzero((p > 0) & (q == 0))]


def kl_divergence(p, q, *, base: float = math.e) -> float:
    r"""Kullback–Leibler divergence :math:`KL(P\|Q) = \sum_x p(x) \log_b \frac{p(x)}{q(x)}`.

    The extra surprise (extra nats per outcome; bits with ``base=2``) paid for coding P with a
    code built for Q.
    :math:`\ge 0`, = 0 iff P = Q, not symmetric, and :math:`\infty` when the support of P is not
    inside the support of Q (some x with p(x) > 0 = q(x)).
    """
    b = _check_base(base)
    p, q = _check_pair(p, q)
    if np.any((p > 0) & (q == 0)):
        return math.inf
    mask = p > 0
    kl = float(np.sum(p[mask] * (np.log(p[mask]) - np.log(q[mask])))) / math.log(b)
    # Gibbs' inequality: KL >= 0. Rounding can leave -1e-17 for p ≈ q; show that as 0.
    return _nonneg(kl)


def js_divergence(p, q, *, base: float = math.e) -> float:
    r"""Jensen–Shannon divergence :math:`JS(P, Q) = \tfrac12 KL(P\|M) + \tfrac12 KL(Q\|M)`,
    :math:`M = \tfrac12 (P + Q)`.

    The divergence itself, not its square root (``scipy.spatial.distance.jensenshannon``
    returns the root). Symmetric, always finite, and at most :math:`\log_b 2` (ln 2 nats, 1 bit).
    """
    b = _check_base(base)
    p, q = _check_pair(p, q)
    # p log(p/m) = p (log 2 + log p - log(p + q)): never forms m = (p+q)/2, which underflows
    # to 0 for the smallest subnormal entries and would turn a finite JS into inf.
    total = p + q
    js = 0.0
    for a in (p, q):
        mask = a > 0
        js += 0.5 * float(np.sum(a[mask] * (math.log(2) + np.log(a[mask]) - np.log(total[mask]))))
    # 0 <= JS <= log 2; clip rounding noise only
    return min(_nonneg(js), math.log(2)) / math.log(b)


def bernoulli_entropy(p, *, base: float = math.e):
    r"""Entropy of a coin with P(heads) = p: :math:`H(p) = -p \log_b p - (1-p) \log_b (1-p)`.

    Elementwise on arrays; :math:`H(0) = H(1) = 0`, :math:`H(1/2) = \ln 2` nats = 1 bit.
    """
    b = _check_base(base)
    arr = _as_float_array(p, "p")
    if arr.size == 0:
        raise ValueError("p is empty: give at least one probability.")
    if np.any(np.isnan(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError("The probability p of heads must lie between 0 and 1.")
    flat = np.atleast_1d(arr).astype(float)
    h = -(_plogq(flat, flat) + _plogq(1 - flat, 1 - flat)) / math.log(b)
    h = np.maximum(h, 0.0) + 0.0  # + 0.0 turns -0.0 into 0.0
    return float(h[0]) if arr.ndim == 0 else h.reshape(arr.shape)


def bernoulli_curve(*, base: float = math.e, points: int = 201) -> tuple[np.ndarray, np.ndarray]:
    """A grid of p in [0, 1] (``points`` values, p = 1/2 included when odd) and H(p) on it."""
    grid = np.linspace(0.0, 1.0, int(points))
    return grid, bernoulli_entropy(grid, base=base)


# ---------------------------------------------------------------------------------------------
# Many rolls: additivity and the law of large numbers
# ---------------------------------------------------------------------------------------------

def pair_information(p, x1: int, x2: int, *, base: float = math.e) -> tuple[float, float, float]:
    r"""Surprise of two independent rolls :math:`x_1, x_2` of the same die.

    Returns ``(I(x1), I(x2), I(x1, x2))`` where the last one is computed from the joint
    probability :math:`p(x_1) p(x_2)`, so a caller can check
    :math:`I(x_1, x_2) = -\log p(x_1)p(x_2) = I(x_1) + I(x_2)`.
    """
    p = check_distribution(p, "p")
    for x in (x1, x2):
        if not (0 <= int(x) < p.size):
            raise ValueError(f"Outcome {x} does not exist: choose 0 to {p.size - 1}.")
    i1 = information_content(p[int(x1)], base=base)
    i2 = information_content(p[int(x2)], base=base)
    joint = p[int(x1)] * p[int(x2)]
    if joint < np.finfo(float).tiny and p[int(x1)] > 0 and p[int(x2)] > 0:
        # the product of two tiny probabilities underflowed (to 0 or a subnormal that lost
        # digits); it is not impossible, so take logs first
        i12 = -(math.log(p[int(x1)]) + math.log(p[int(x2)])) / math.log(_check_base(base))
    else:
        i12 = information_content(joint, base=base)
    return i1, i2, i12


def running_average_surprise(p, n: int, *, seed: int = 0, base: float = math.e
                             ) -> tuple[np.ndarray, np.ndarray]:
    r"""Roll the die ``n`` times and return the rolls and the running mean of their surprise.

    By the law of large numbers :math:`\frac1n \sum_{k=1}^n -\log p(x_k) \to H(X)`
    (the asymptotic equipartition property, Cover & Thomas ch. 3).
    """
    p = check_distribution(p, "p")
    n = int(n)
    if n < 1:
        raise ValueError("Roll the die at least once (n ≥ 1).")
    rng = np.random.default_rng(int(seed))
    rolls = rng.choice(p.size, size=n, p=p / p.sum())
    surprise = information_content(p[rolls], base=base)  # finite: only possible faces come up
    running = np.cumsum(surprise) / np.arange(1, n + 1)
    return rolls, running


# ---------------------------------------------------------------------------------------------
# Two variables: joint table joint[i, j] = P(X = i, Y = j)
# ---------------------------------------------------------------------------------------------

def _check_joint(joint) -> np.ndarray:
    return check_distribution(joint, "the joint table", ndim=2)


def joint_entropy(joint, *, base: float = math.e) -> float:
    r"""Joint entropy :math:`H(X, Y) = -\sum_{x,y} p(x, y) \log_b p(x, y)`."""
    return entropy(_check_joint(joint).ravel(), base=base)


def conditional_entropy(joint, *, base: float = math.e) -> float:
    r"""Conditional entropy :math:`H(X|Y) = -\sum_{x,y} p(x, y) \log_b p(x | y)` = H(X,Y) − H(Y).

    ``joint[i, j] = P(X = i, Y = j)``; for H(Y|X) pass ``joint.T``. Computed term by term
    (each :math:`\log p(y)/p(x,y) \ge 0`) rather than as a difference, so it is never
    negative by rounding.
    """
    b = _check_base(base)
    joint = _check_joint(joint)
    py = np.broadcast_to(joint.sum(axis=0, keepdims=True), joint.shape)
    mask = joint > 0
    h = float(np.sum(joint[mask] * (np.log(py[mask]) - np.log(joint[mask])))) / math.log(b)
    return _nonneg(h)


def mutual_information(joint, *, base: float = math.e) -> float:
    r"""Mutual information :math:`I(X;Y) = \sum_{x,y} p(x,y) \log_b \frac{p(x,y)}{p(x)p(y)}`.

    = H(X) − H(X|Y) = KL(P(X,Y) ‖ P(X)P(Y)): what seeing Y tells you about X. 0 iff
    X and Y are independent.
    """
    b = _check_base(base)
    joint = _check_joint(joint)
    # log p(x) + log p(y), not log(p(x) p(y)): the product of two tiny marginals underflows.
    with np.errstate(divide="ignore"):
        log_px = np.log(joint.sum(axis=1, keepdims=True))
        log_py = np.log(joint.sum(axis=0, keepdims=True))
    log_indep = np.broadcast_to(log_px + log_py, joint.shape)
    mask = joint > 0  # where p(x, y) > 0 both marginals are > 0, so log_indep is finite
    mi = float(np.sum(joint[mask] * (np.log(joint[mask]) - log_indep[mask]))) / math.log(b)
    return _nonneg(mi)  # I >= 0 (it is a KL); clip rounding noise only


def joint_summary(joint, *, base: float = math.e) -> dict:
    """All the quantities of the two-variable picture at once, with the marginals.

    Keys: ``p_x``, ``p_y``, ``H(X)``, ``H(Y)``, ``H(X,Y)``, ``H(X|Y)``, ``H(Y|X)``, ``I(X;Y)``.
    """
    joint = _check_joint(joint)
    p_x, p_y = joint.sum(axis=1), joint.sum(axis=0)
    return {
        "p_x": p_x, "p_y": p_y,
        "H(X)": entropy(p_x, base=base), "H(Y)": entropy(p_y, base=base),
        "H(X,Y)": joint_entropy(joint, base=base),
        "H(X|Y)": conditional_entropy(joint, base=base),
        "H(Y|X)": conditional_entropy(joint.T, base=base),
        "I(X;Y)": mutual_information(joint, base=base),
    }


# ---------------------------------------------------------------------------------------------
# Perfect yes/no questions: Huffman codes
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HuffmanNode:
    """A node of the question tree.

    A leaf holds one outcome; an internal node asks "is it one of ``yes.outcomes``?".
    ``codeword`` is the path of answers from the root ("1" = yes, "0" = no).
    """

    probability: float
    outcomes: tuple[int, ...]
    codeword: str = ""
    no: "HuffmanNode | None" = None
    yes: "HuffmanNode | None" = None

    @property
    def is_leaf(self) -> bool:
        return self.yes is None

    def leaves(self):
        """The leaves, left (no) to right (yes)."""
        if self.is_leaf:
            yield self
        else:
            yield from self.no.leaves()
            yield from self.yes.leaves()

    def nodes(self):
        """Every node, parents before children."""
        yield self
        if not self.is_leaf:
            yield from self.no.nodes()
            yield from self.yes.nodes()


def huffman_tree(p) -> HuffmanNode:
    r"""The optimal yes/no question tree for one draw from ``p`` (Huffman, 1952).

    Repeatedly merge the two least likely groups; the merged group is asked about with one
    question. Only possible outcomes (p > 0) enter the tree: nobody asks about a face that
    cannot come up, and a certain outcome needs no question at all (the root is its leaf).

    Ties are broken deterministically: among equally likely groups, the one created first
    (single outcomes by index, then merged groups in order of creation) is merged first, and
    the question asks about the group with fewer outcomes (the more likely one if both are
    the same size): its members are the "yes" branch.
    """
    p = check_distribution(p, "p")
    heap = [(float(p[i]), i, HuffmanNode(float(p[i]), (i,))) for i in np.flatnonzero(p > 0)]
    heapq.heapify(heap)
    counter = p.size  # merged groups get tie-break numbers after every single outcome
    while len(heap) > 1:
        p_a, _, a = heapq.heappop(heap)   # the least likely group
        p_b, _, b = heapq.heappop(heap)   # the next least likely
        # The question names the smaller group ("Is it 6?" rather than "Is it 1, 2, 3, 4
        # or 5?"); between groups of equal size it names the more likely one, b.
        yes, no = (a, b) if len(a.outcomes) < len(b.outcomes) else (b, a)
        merged = HuffmanNode(p_a + p_b, tuple(sorted(a.outcomes + b.outcomes)), no=no, yes=yes)
        heapq.heappush(heap, (p_a + p_b, counter, merged))
        counter += 1
    return _with_codewords(heap[0][2], "")


def _with_codewords(node: HuffmanNode, code: str) -> HuffmanNode:
    if node.is_leaf:
        return HuffmanNode(node.probability, node.outcomes, code)
    return HuffmanNode(node.probability, node.outcomes, code,
                       no=_with_codewords(node.no, code + "0"),
                       yes=_with_codewords(node.yes, code + "1"))


def huffman_code(p) -> list[str | None]:
    r"""Each outcome's codeword in the optimal binary (Huffman) code: one character per
    yes/no question, "1" = yes.

    An impossible outcome (p = 0) gets ``None``: it is never asked about. A certain outcome
    gets ``""`` (no question). For the possible outcomes the code is prefix-free and complete
    (Kraft equality :math:`\sum_x 2^{-\ell(x)} = 1`), and its expected length L satisfies
    :math:`H(X) \le L < H(X) + 1` (bits; Cover & Thomas, Thm 5.4.1 and 5.8.1).

    Examples
    --------
    >>> huffman_code([0.5, 0.25, 0.25])   # "Is it 0?" yes: done; no: "Is it 2?"
    ['1', '00', '01']
    """
    p = check_distribution(p, "p")
    codes: list[str | None] = [None] * p.size
    for leaf in huffman_tree(p).leaves():
        codes[leaf.outcomes[0]] = leaf.codeword
    return codes


def expected_length(p, code) -> float:
    r"""Expected number of questions :math:`L = \sum_x p(x)\,\ell(x)` (impossible outcomes,
    codeword ``None``, count 0)."""
    p = check_distribution(p, "p")
    if len(code) != p.size:
        raise ValueError("The code must have one codeword per outcome.")
    return float(sum(px * len(c) for px, c in zip(p, code) if c is not None))


def question_text(outcomes, labels=None) -> str:
    """The yes/no question "Is it 1, 2 or 3?" asking whether the outcome is in ``outcomes``."""
    names = [str(labels[i]) if labels is not None else str(i) for i in outcomes]
    if len(names) == 1:
        return f"Is it {names[0]}?"
    return f"Is it {', '.join(names[:-1])} or {names[-1]}?"
