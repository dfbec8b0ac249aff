"""Maximum likelihood for one parameter: k successes in n Bernoulli trials.

A coin with unknown probability p of heads is tossed n times and shows k heads.
The likelihood is L(p) = p^k (1 − p)^(n − k). Setting the derivative of its
logarithm to zero gives p̂ = k/n; a grid search and a gradient-based optimiser
find the same maximum numerically. The curvature −ℓ''(p̂) gives the standard
error of p̂ (the Fisher information), checked by simulation, and the binary and
categorical cross-entropies of torch.nn.functional are negative log-likelihoods.
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
import torch.nn.functional as F

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
rng = np.random.default_rng(3)
torch.manual_seed(0)
# --8<-- [end:setup]

# %% [markdown]
# The data: 20 tosses of a coin whose true p is 0.6 (the estimator does not know it).

# %%
# --8<-- [start:data]
p_true = 0.6
tosses = rng.random(20) < p_true  # True = heads
n, k = tosses.size, int(tosses.sum())
print("tosses:", tosses.astype(int))
print(f"n = {n}, k = {k}")


def likelihood(p):
    return p**k * (1 - p) ** (n - k)


def log_likelihood(p):
    return k * np.log(p) + (n - k) * np.log(1 - p)
# --8<-- [end:data]

# %% [markdown]
# The closed form, the derivative at it, and two numerical maxima.

# %%
# --8<-- [start:maximise]
p_closed_form = k / n  # from d/dp log L = k/p − (n − k)/(1 − p) = 0
slope_at_p_hat = k / p_closed_form - (n - k) / (1 - p_closed_form)
print(f"closed form k/n = {p_closed_form}, derivative of log L there = {slope_at_p_hat}")

grid = np.linspace(0.0005, 0.9995, 19_981)  # step 5e-5, away from log(0)
p_grid = grid[np.argmax(log_likelihood(grid))]
print(f"grid maximum: p = {p_grid:.5f}")

start = torch.tensor([0.1], dtype=torch.float64, device=device)  # a deliberately poor first guess
logit = torch.logit(start).requires_grad_()  # optimise p = sigmoid(logit), which stays in (0, 1)
optimiser = torch.optim.LBFGS([logit], max_iter=100, tolerance_grad=1e-12, tolerance_change=1e-14)


def negative_log_likelihood():
    optimiser.zero_grad()
    p = torch.sigmoid(logit)
    loss = -(k * torch.log(p) + (n - k) * torch.log(1 - p)).sum()
    loss.backward()
    return loss


optimiser.step(negative_log_likelihood)
p_optimiser = torch.sigmoid(logit).item()
print(f"L-BFGS on -log L: p = {p_optimiser:.10f}, "
      f"|p - k/n| = {abs(p_optimiser - p_closed_form):.1e}")
# --8<-- [end:maximise]

# %% [markdown]
# Why one maximises log L instead of L: with more tosses L underflows to zero in float64.

# %%
# --8<-- [start:underflow]
many = rng.random(2000) < p_true
n_many, k_many = many.size, int(many.sum())
p_hat_many = k_many / n_many
likelihood_many = p_hat_many**k_many * (1 - p_hat_many) ** (n_many - k_many)
log_likelihood_many = k_many * np.log(p_hat_many) + (n_many - k_many) * np.log(1 - p_hat_many)
print(f"n = {n_many}, k = {k_many}: L(p_hat) = {likelihood_many}, "
      f"log L(p_hat) = {log_likelihood_many:.1f}")
# --8<-- [end:underflow]

# %% [markdown]
# The likelihood and the log-likelihood as functions of p: both peak at k/n.

# %%
TEXT = {
    "zh": {"lik": "似然 L(p)", "loglik": "对数似然 log L(p)", "p": "参数 p",
           "hat": f"p̂ = k/n = {k}/{n}", "title": f"{n} 次抛掷中 {k} 次正面"},
    "en": {"lik": "likelihood L(p)", "loglik": "log-likelihood log L(p)", "p": "parameter p",
           "hat": f"p̂ = k/n = {k}/{n}", "title": f"{k} heads in {n} tosses"},
}[LANG]
p_axis = np.linspace(0.001, 0.999, 500)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
axes[0].plot(p_axis, likelihood(p_axis), color="C0")
axes[0].set_ylabel(TEXT["lik"])
axes[1].plot(p_axis, log_likelihood(p_axis), color="C1")
axes[1].set_ylim(-60, 0)
axes[1].set_ylabel(TEXT["loglik"])
for ax in axes:
    ax.axvline(p_closed_form, color="black", linestyle="--", linewidth=1, label=TEXT["hat"])
    ax.set_xlabel(TEXT["p"])
    ax.legend(loc="upper left")
fig.suptitle(TEXT["title"])
fig.tight_layout()
fig.savefig(OUT / "likelihood.svg")

# %% [markdown]
# The standard error from the curvature: −ℓ''(p̂) = n / (p̂(1 − p̂)) is the observed
# Fisher information, and 1/√(−ℓ''(p̂)) estimates the spread of p̂ over repeated samples.
# A simulation checks the spread and the 95 % interval p̂ ± 1.96 SE at n = 20 and n = 2000.

# %%
# --8<-- [start:fisher]
observed_information = k / p_closed_form**2 + (n - k) / (1 - p_closed_form) ** 2  # −ℓ''(p̂)
standard_error = 1 / np.sqrt(observed_information)  # = sqrt(p̂(1 − p̂) / n)
print(f"-l''(p_hat) = {observed_information:.2f}, standard error 1/sqrt(-l''(p_hat)) = {standard_error:.4f}")

repeats = 100_000
simulation = {}
for size in (n, n_many):
    p_hats = rng.binomial(size, p_true, size=repeats) / size  # the MLE of 100,000 fresh samples
    fisher_sd = np.sqrt(p_true * (1 - p_true) / size)  # 1/sqrt(I(p)), I(p) = n / (p(1 − p))
    covered = np.abs(p_hats - p_true) <= 1.96 * np.sqrt(p_hats * (1 - p_hats) / size)
    simulation[size] = (p_hats.std(), fisher_sd, covered.mean())
    print(f"n = {size}: sd of p_hat = {p_hats.std():.4f}, 1/sqrt(I(p)) = {fisher_sd:.4f}, "
          f"p_hat ± 1.96 SE covers p = {p_true} in {covered.mean():.1%} of samples")
# --8<-- [end:fisher]

# %% [markdown]
# Cross-entropy is a negative log-likelihood: the binary cross-entropy of the tosses at p
# is −log L(p) / n, and the categorical cross-entropy of a network's logits is the mean
# −log of the softmax probability of the right class.

# %%
# --8<-- [start:cross-entropy]
heads = torch.tensor(tosses, dtype=torch.float64, device=device)
for p in (0.3, p_closed_form):
    bce = F.binary_cross_entropy(torch.full_like(heads, p), heads)  # averaged over the n tosses
    print(f"p = {p}: binary_cross_entropy = {bce.item():.6f}, -log L(p) / n = {-log_likelihood(p) / n:.6f}")

logits = torch.randn(6, 4, dtype=torch.float64).to(device)  # a classifier's scores: 6 examples, 4 classes
labels = torch.tensor([0, 3, 1, 1, 2, 0], device=device)
cross_entropy = F.cross_entropy(logits, labels)
categorical_nll = -torch.distributions.Categorical(logits=logits).log_prob(labels).mean()
print(f"cross_entropy = {cross_entropy.item():.6f}, "
      f"mean -log softmax(logits)[label] = {categorical_nll.item():.6f}")
# --8<-- [end:cross-entropy]

# %%
bce_at_p_hat = F.binary_cross_entropy(torch.full_like(heads, p_closed_form), heads).item()
numbers = {
    "p_true": p_true,
    "n": n,
    "k": k,
    "p_hat": f"{p_closed_form:.2f}",
    "slope_at_p_hat": f"{slope_at_p_hat:.1e}",
    "p_grid": f"{p_grid:.5f}",
    "p_optimiser": f"{p_optimiser:.6f}",
    "optimiser_error": f"{abs(p_optimiser - p_closed_form):.0e}",
    "max_likelihood": f"{likelihood(p_closed_form):.1e}",
    "n_many": f"{n_many:,}",
    "k_many": f"{k_many:,}",
    "likelihood_many": f"{likelihood_many}",
    "log_likelihood_many": f"{log_likelihood_many:.1f}",
    "observed_information": f"{observed_information:.2f}",
    "standard_error": f"{standard_error:.4f}",
    "repeats": f"{repeats:,}",
    "bce_p_hat": f"{bce_at_p_hat:.6f}",
    "neg_ll_over_n": f"{-log_likelihood(p_closed_form) / n:.6f}",
    "cross_entropy": f"{cross_entropy.item():.6f}",
    "categorical_nll": f"{categorical_nll.item():.6f}",
}
for size, (sd, fisher_sd, coverage) in simulation.items():
    numbers[f"sim_sd_{size}"] = f"{sd:.4f}"
    numbers[f"fisher_sd_{size}"] = f"{fisher_sd:.4f}"
    numbers[f"coverage_{size}"] = f"{coverage:.1%}"
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
