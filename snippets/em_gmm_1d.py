"""EM for a one-dimensional Gaussian mixture, from scratch in numpy.

The E-step computes each point's responsibilities r_ik = p(z_i = k | x_i),
the posterior probability that component k produced x_i. The M-step is a
maximum-likelihood fit of each component in which point i counts with weight
r_ik. Each iteration is checked against the lower bound (ELBO) that EM climbs:
log L(θ_t) = F(r_t, θ_t) ≤ F(r_t, θ_t+1) ≤ log L(θ_t+1), so the log-likelihood
never decreases. The final log-likelihood is recomputed with
torch.distributions, and its gradient there is checked to vanish.
"""

# %% [markdown]
# The site's bookkeeping, which a reader can skip: the language of the figure labels
# and the folder that the figures and numbers.json go to.

# %%
import json
import os
from pathlib import Path

import matplotlib

LANG = os.environ.get("SNIPPET_LANG", "en")  # language of the figure labels: "zh" or "en"
OUT = Path(os.environ.get("SNIPPET_OUT", "out"))  # where figures and numbers.json go
OUT.mkdir(parents=True, exist_ok=True)
matplotlib.rcParams["font.family"] = ["DejaVu Sans", "Noto Sans CJK SC"]  # Chinese glyphs fall back to Noto


# %%
# --8<-- [start:setup]
import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import distributions as D

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
rng = np.random.default_rng(0)

# %% [markdown]
# Data: 500 points from a mixture of three normal distributions; EM is told only K = 3.

# %%
true_weights = np.array([0.45, 0.35, 0.20])
true_means = np.array([-2.0, 1.5, 5.0])
true_sds = np.array([1.0, 0.7, 1.2])
n, K = 500, 3
labels = rng.choice(K, size=n, p=true_weights)  # the latent z_i, hidden from EM
x = rng.normal(true_means[labels], true_sds[labels])
print(f"n = {n}, points per true component: {np.bincount(labels)}")
# --8<-- [end:setup]

# %% [markdown]
# The two steps. Everything is computed with logarithms: the densities of far-away
# points underflow otherwise.

# %%
# --8<-- [start:steps]
def log_normal(x, means, variances):
    """log N(x_i | μ_k, σ_k²): one row per point, one column per component."""
    return -0.5 * (np.log(2 * np.pi * variances) + (x[:, None] - means) ** 2 / variances)


def e_step(x, weights, means, variances):
    log_joint = np.log(weights) + log_normal(x, means, variances)  # log π_k N(x_i | μ_k, σ_k²)
    log_px = np.logaddexp.reduce(log_joint, axis=1)  # log p(x_i) = log Σ_k π_k N(x_i | μ_k, σ_k²)
    responsibilities = np.exp(log_joint - log_px[:, None])  # r_ik, each row sums to 1
    return responsibilities, log_px.sum()  # and the log-likelihood log L(θ)


def m_step(x, r, var_floor=1e-6):
    counts = r.sum(axis=0)  # N_k, a soft count of the points in component k
    weights = counts / x.size
    means = (r * x[:, None]).sum(axis=0) / counts  # weighted mean
    variances = (r * (x[:, None] - means) ** 2).sum(axis=0) / counts  # weighted, divides by N_k
    return weights, means, np.maximum(variances, var_floor)  # the floor guards against collapse


def lower_bound(x, r, weights, means, variances):
    """F(q, θ) = Σ_i Σ_k q_ik [log π_k N(x_i | μ_k, σ_k²) − log q_ik] with q = r."""
    log_joint = np.log(weights) + log_normal(x, means, variances)
    return (r * (log_joint - np.log(np.clip(r, 1e-300, None)))).sum()
# --8<-- [end:steps]


# %% [markdown]
# The iteration, from three random data points as initial means. At each step the
# ELBO inequalities are asserted.

# %%
# --8<-- [start:loop]
start = (np.full(K, 1 / K), rng.choice(x, size=K, replace=False), np.full(K, x.var()))  # π, μ, σ²
params = start
r, log_lik = e_step(x, *params)
history = [log_lik]
for iteration in range(1, 1001):
    params = m_step(x, r)
    bound = lower_bound(x, r, *params)  # F(r_t, θ_t+1): M-step raised the bound
    r, log_lik = e_step(x, *params)  # E-step: the bound touches log L(θ_t+1) again
    assert history[-1] <= bound + 1e-9 and bound <= log_lik + 1e-9
    history.append(log_lik)
    if history[-1] - history[-2] < 1e-10:
        break
history = np.array(history)
steps = np.diff(history)
assert (steps >= 0).all(), "the log-likelihood decreased"
print(f"{iteration} iterations: log L from {history[0]:.4f} to {history[-1]:.4f}")
print(f"smallest step {steps.min():.1e}, largest step {steps.max():.1f}")
# --8<-- [end:loop]

# %%
weights, means, variances = params
order = np.argsort(means)  # EM's labels are arbitrary: sort by mean to compare
for name, fitted, true in (("weights", weights, true_weights), ("means", means, true_means),
                           ("sds", np.sqrt(variances), true_sds)):
    print(f"{name:>8}: fitted {np.round(fitted[order], 3)}  true {true}")

# %% [markdown]
# An independent check: torch.distributions computes the same log-likelihood, and
# autograd finds its gradient at the fitted parameters to be zero. EM's fixed point
# satisfies the stationarity equations of the observed-data likelihood.

# %%
# --8<-- [start:check]
def torch_log_lik_and_gradient(weights, means, variances):
    logits = torch.tensor(np.log(weights), device=device, requires_grad=True)
    mean_t = torch.tensor(means, device=device, requires_grad=True)
    log_var_t = torch.tensor(np.log(variances), device=device, requires_grad=True)
    components = D.Normal(mean_t, (0.5 * log_var_t).exp())
    mixture = D.MixtureSameFamily(D.Categorical(logits=logits), components)
    log_lik_torch = mixture.log_prob(torch.tensor(x, device=device)).sum()
    log_lik_torch.backward()
    largest = max(t.grad.abs().max().item() for t in (logits, mean_t, log_var_t))
    return log_lik_torch.item(), largest


log_lik_torch, largest_gradient = torch_log_lik_and_gradient(*params)
_, start_gradient = torch_log_lik_and_gradient(*start)
print(f"log L: numpy EM {history[-1]:.6f}, torch.distributions {log_lik_torch:.6f}, "
      f"difference {abs(history[-1] - log_lik_torch):.1e}")
print(f"largest |gradient| of log L: {start_gradient:.1f} at the start, "
      f"{largest_gradient:.1e} at EM's answer")
# --8<-- [end:check]

# %% [markdown]
# The fitted components over the data, and the log-likelihood per iteration.

# %%
TEXT = {
    "zh": {"data": "数据（直方图）", "component": "成分 {k}：π·N(μ, σ²)", "mixture": "拟合的混合密度",
           "truth": "真实混合密度", "x": "x", "density": "密度", "title": "EM 拟合的一维高斯混合模型（K = 3）"},
    "en": {"data": "data (histogram)", "component": "component {k}: π·N(μ, σ²)", "mixture": "fitted mixture",
           "truth": "true mixture", "x": "x", "density": "density", "title": "A 1-D Gaussian mixture fitted by EM (K = 3)"},
}[LANG]


def mixture_density(grid, weights, means, sds):
    return (weights * np.exp(-0.5 * ((grid[:, None] - means) / sds) ** 2) / (np.sqrt(2 * np.pi) * sds)).sum(axis=1)


grid = np.linspace(x.min() - 1, x.max() + 1, 400)
fig, ax = plt.subplots(figsize=(7.5, 3.6))
ax.hist(x, bins=40, density=True, color="0.82", label=TEXT["data"])
for number, k in enumerate(order, 1):
    ax.plot(grid, mixture_density(grid, weights[k:k + 1], means[k:k + 1], np.sqrt(variances[k:k + 1])),
            linestyle="--", color=f"C{number - 1}", label=TEXT["component"].format(k=number))
ax.plot(grid, mixture_density(grid, weights, means, np.sqrt(variances)), color="black", label=TEXT["mixture"])
ax.plot(grid, mixture_density(grid, true_weights, true_means, true_sds), color="black", linestyle=":",
        label=TEXT["truth"])
ax.set(title=TEXT["title"], xlabel=TEXT["x"], ylabel=TEXT["density"])
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(OUT / "fit.svg")

# %%
TEXT = {
    "zh": {"iteration": "迭代次数 t", "loglik": "对数似然 log L(θ_t)", "gap": "log L(θ_final) − log L(θ_t)",
           "left": "每次迭代后的对数似然", "right": "与最终值之差（对数坐标）"},
    "en": {"iteration": "iteration t", "loglik": "log-likelihood log L(θ_t)", "gap": "log L(θ_final) − log L(θ_t)",
           "left": "Log-likelihood after each iteration", "right": "Distance to the final value (log scale)"},
}[LANG]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
axes[0].plot(history, marker=".", markersize=4)
axes[0].set(title=TEXT["left"], xlabel=TEXT["iteration"], ylabel=TEXT["loglik"])
gap = history[-1] - history[:-1]
axes[1].semilogy(np.arange(gap.size), np.clip(gap, 1e-12, None), marker=".", markersize=4, color="C1")
axes[1].set(title=TEXT["right"], xlabel=TEXT["iteration"], ylabel=TEXT["gap"])
fig.tight_layout()
fig.savefig(OUT / "loglik.svg")

# %%
numbers = {
    "n": n,
    "K": K,
    "iterations": iteration,
    "loglik_start": f"{history[0]:.2f}",
    "loglik_final": f"{history[-1]:.4f}",
    "loglik_torch": f"{log_lik_torch:.4f}",
    "loglik_difference": f"{abs(history[-1] - log_lik_torch):.0e}",
    "start_gradient": f"{start_gradient:.1f}",
    "smallest_step": f"{steps.min():.1e}",
    "largest_step": f"{steps.max():.1f}",
    "largest_gradient": f"{largest_gradient:.0e}",
}
for number, k in enumerate(order, 1):
    numbers[f"weight_{number}"] = f"{weights[k]:.3f}"
    numbers[f"mean_{number}"] = f"{means[k]:.3f}"
    numbers[f"sd_{number}"] = f"{np.sqrt(variances[k]):.3f}"
    numbers[f"true_weight_{number}"] = f"{true_weights[number - 1]:.2f}"
    numbers[f"true_mean_{number}"] = f"{true_means[number - 1]:.1f}"
    numbers[f"true_sd_{number}"] = f"{true_sds[number - 1]:.1f}"
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
