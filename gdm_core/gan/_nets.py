r"""The networks of a toy GAN and the five objectives, as losses each player minimises.

With discriminator logits :math:`\ell`, :math:`D = \sigma(\ell)`, and the identity
:math:`-\log\sigma(\ell) = \operatorname{softplus}(-\ell)`:

* discriminator (GANs): :math:`-\mathbb{E}_{p_r}\log D(x) - \mathbb{E}_z\log(1 - D(G(z)))`;
  critic (WGANs): :math:`\mathbb{E}_z f(G(z)) - \mathbb{E}_{p_r} f(x)`, plus for WGAN-GP
  :math:`\lambda\,\mathbb{E}_{\hat x}(\|\nabla_x f(\hat x)\|_2 - 1)^2`;
* generator: minimax :math:`\mathbb{E}\log(1 - D(G(z)))`, non-saturating
  :math:`-\mathbb{E}\log D(G(z))`, WGAN :math:`-\mathbb{E} f(G(z))`;
* LSGAN (D's output linear, no sigmoid; :mod:`gdm_core.lsgan`, 0-1 coding): discriminator
  :math:`\tfrac12\mathbb{E}_{p_r}(D(x) - 1)^2 + \tfrac12\mathbb{E}_z D(G(z))^2`, generator
  :math:`\tfrac12\mathbb{E}_z(D(G(z)) - 1)^2`.

:func:`fit_critic` trains a fresh discriminator or critic on two fixed samples (the tests'
checks of :math:`D^* = p_r/(p_r + p_g)` and of the Kantorovich–Rubinstein dual of :math:`W_1`).

References
----------
I. Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014 (Prop. 1, Section 3).
M. Arjovsky, S. Chintala, L. Bottou, "Wasserstein GAN", ICML 2017 (Algorithm 1).
I. Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017 (Algorithm 1, Prop. 1).
X. Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017 (Section 3.2).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from gdm_core import lsgan
from gdm_core.gan._config import LINE_POINTS, LOSSES, _whole
from gdm_core.torch_threads import lazy, one_thread

# torch is imported by the first training step, not with the package: the GAN page serves
# shipped runs (plain arrays) and a server that never trains never loads torch.
torch, nn, F = lazy("torch"), lazy("torch.nn"), lazy("torch.nn.functional")


def make_mlp(in_dim: int, out_dim: int, hidden: int, layers: int, seed: int) -> nn.Sequential:
    r"""A ReLU multilayer perceptron in_dim → hidden (× layers) → out_dim, seeded.

    Weights are drawn as PyTorch's default (Kaiming-uniform, :math:`U(\pm 1/\sqrt{\text{fan-in}})`)
    but from a private generator, so two sessions training at once cannot disturb each other's
    initialisation.
    """
    gen = torch.Generator().manual_seed(int(seed))
    mods, d = [], in_dim
    for _ in range(layers):
        mods += [nn.Linear(d, hidden), nn.ReLU()]
        d = hidden
    mods.append(nn.Linear(d, out_dim))
    net = nn.Sequential(*mods)
    with torch.no_grad():
        for m in net:
            if isinstance(m, nn.Linear):
                bound = 1.0 / math.sqrt(m.in_features)
                m.weight.copy_((torch.rand(m.weight.shape, generator=gen) * 2 - 1) * bound)
                m.bias.copy_((torch.rand(m.bias.shape, generator=gen) * 2 - 1) * bound)
    return net


def _check_loss(loss: str) -> str:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}.")
    return loss


def discriminator_loss(loss: str, out_real: torch.Tensor, out_fake: torch.Tensor) -> torch.Tensor:
    r"""The loss the discriminator (critic) *minimises*, from its outputs on real and fake.

    For the GANs the outputs are logits :math:`\ell`, :math:`D = \sigma(\ell)`, and the loss is
    the negated value :math:`-\mathbb{E}\log D(x) - \mathbb{E}\log(1 - D(G(z)))` (written with
    softplus, :math:`-\log\sigma(\ell) = \operatorname{softplus}(-\ell)`, so that it never takes
    the log of 0). For the WGANs it is :math:`\mathbb{E} f(G(z)) - \mathbb{E} f(x)`; the
    gradient penalty is added separately (:func:`gradient_penalty`). For the LSGAN the outputs
    are D itself (linear) and the loss is :func:`gdm_core.lsgan.discriminator_loss`.
    """
    if _check_loss(loss).startswith("wgan"):
        return out_fake.mean() - out_real.mean()
    if loss == "lsgan":
        return lsgan.discriminator_loss(out_real, out_fake)
    return F.softplus(-out_real).mean() + F.softplus(out_fake).mean()


def generator_loss(loss: str, out_fake: torch.Tensor, reduce: bool = True) -> torch.Tensor:
    r"""The loss the generator minimises, from D's logits (or f's values) on its samples.

    minimax: :math:`\mathbb{E}\log(1 - D(G(z))) = -\mathbb{E}\operatorname{softplus}(\ell)`;
    non-saturating: :math:`-\mathbb{E}\log D(G(z)) = \mathbb{E}\operatorname{softplus}(-\ell)`;
    WGAN: :math:`-\mathbb{E} f(G(z))`; LSGAN: :math:`\tfrac12\mathbb{E}(D(G(z)) - 1)^2`
    (:func:`gdm_core.lsgan.generator_loss`). ``reduce=False`` gives one term per sample.
    """
    loss = _check_loss(loss)
    if loss == "lsgan":
        return lsgan.generator_loss(out_fake, reduce=reduce)
    if loss == "minimax":
        per = -F.softplus(out_fake)
    elif loss == "nonsaturating":
        per = F.softplus(-out_fake)
    else:
        per = -out_fake
    return per.mean() if reduce else per


def gradient_penalty(critic: Callable, real: torch.Tensor, fake: torch.Tensor,
                     eps: torch.Tensor) -> torch.Tensor:
    r"""The WGAN-GP penalty :math:`\mathbb{E}_{\hat x}(\|\nabla_x f(\hat x)\|_2 - 1)^2` (without λ).

    :math:`\hat x = \epsilon x + (1-\epsilon)\tilde x` for real x, fake :math:`\tilde x` and
    :math:`\epsilon \sim U[0, 1]` given per pair (shape (n, 1)). The gradient is taken with
    ``create_graph=True`` so that the penalty can itself be differentiated with respect to the
    critic's weights (double backpropagation).

    References
    ----------
    Gulrajani et al. (2017), Algorithm 1.
    """
    x_hat = (eps * real + (1 - eps) * fake).detach().requires_grad_(True)
    grad, = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    return ((grad.norm(dim=1) - 1.0) ** 2).mean()


def _clip_(net: nn.Module, c: float) -> None:
    with torch.no_grad():
        for p in net.parameters():
            p.clamp_(-c, c)


def _make_optimizer(params, name: str, lr: float):
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    # β = (0.5, 0.9) as in WGAN-GP (Alg. 1); β1 = 0.5 as in DCGAN for the plain GANs
    return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.9))


def grad_norm_along_lines(critic: Callable, real, fake, n_points: int = LINE_POINTS):
    r""":math:`\|\nabla_x f(x_t)\|` at :math:`x_t = (1-t)\tilde x_i + t x_i`, t ∈ [0, 1].

    The WGAN-GP penalty asks for norm 1 exactly on these lines (the optimal critic has unit
    gradient norm on the segments of the optimal coupling, Gulrajani et al. Prop. 1); a clipped
    critic's norm is set by the clipping instead, far below or above 1.

    Returns
    -------
    (t, norms): t of shape (n_points,), norms of shape (n_lines, n_points).
    """
    real = np.asarray(real, dtype=np.float32)
    fake = np.asarray(fake, dtype=np.float32)
    n = min(len(real), len(fake))
    t = np.linspace(0.0, 1.0, n_points, dtype=np.float32)
    pts = (1 - t[None, :, None]) * fake[:n, None, :] + t[None, :, None] * real[:n, None, :]
    x = torch.as_tensor(pts.reshape(-1, 2)).requires_grad_(True)
    grad, = torch.autograd.grad(critic(x).sum(), x)
    return t.astype(np.float64), grad.norm(dim=1).reshape(n, n_points).numpy().astype(np.float64)


def fit_critic(real, fake, loss: str = "nonsaturating", steps: int = 2000, lr: float = 1e-3,
               batch: int = 512, hidden: int = 64, layers: int = 2, gp_lambda: float = 10.0,
               seed: int = 0) -> Callable[[np.ndarray], np.ndarray]:
    r"""Train a fresh discriminator (GAN losses) or WGAN-GP critic on two fixed point sets.

    For a GAN loss the returned function is :math:`x \mapsto D(x) = \sigma(\ell(x))`, which
    approaches :math:`D^* = p_r / (p_r + p_g)` (Goodfellow et al. 2014, Prop. 1); for
    ``"lsgan"`` it is the linear output D(x), which approaches :math:`(b\,p_r + a\,p_g) /
    (p_r + p_g)` with the 0-1 coding a = 0, b = 1
    (:func:`gdm_core.lsgan.optimal_discriminator`); for
    ``"wgan-gp"`` it is the critic f, and :math:`\mathbb{E}_r f - \mathbb{E}_g f` approaches
    :math:`W_1(p_r, p_g)` (Kantorovich–Rubinstein duality). Points may have any dimension d
    (arrays (n, d), or (n,) for d = 1).
    """
    real = np.asarray(real, dtype=np.float32)
    fake = np.asarray(fake, dtype=np.float32)
    real = real.reshape(len(real), -1)
    fake = fake.reshape(len(fake), -1)
    if real.shape[1] != fake.shape[1] or not (np.isfinite(real).all() and np.isfinite(fake).all()):
        raise ValueError("real and fake must be finite points of the same dimension.")
    _check_loss(loss)
    steps = _whole("steps", steps)
    one_thread()
    net = make_mlp(real.shape[1], 1, hidden, layers, seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.5, 0.9))
    gen = torch.Generator().manual_seed(seed + 1)
    xr, xf = torch.as_tensor(real), torch.as_tensor(fake)
    for _ in range(steps):
        r = xr[torch.randint(len(xr), (batch,), generator=gen)]
        f = xf[torch.randint(len(xf), (batch,), generator=gen)]
        out = discriminator_loss(loss, net(r), net(f))
        if loss == "wgan-gp":
            out = out + gp_lambda * gradient_penalty(net, r, f, torch.rand(batch, 1, generator=gen))
        opt.zero_grad(set_to_none=True)
        out.backward()
        opt.step()
    linear = loss.startswith("wgan") or loss == "lsgan"

    def evaluate(x) -> np.ndarray:
        x = torch.as_tensor(np.asarray(x, dtype=np.float32).reshape(-1, real.shape[1]))
        with torch.no_grad():
            y = net(x)[:, 0]
        return (y if linear else torch.sigmoid(y)).numpy().astype(np.float64)

    return evaluate
