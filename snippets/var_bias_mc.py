"""Dividing by n or by n − 1: why the sample variance loses one σ², checked by Monte Carlo.

For n independent draws with mean μ and variance σ², the squared deviations
split exactly as Σ(X_i − μ)² = Σ(X_i − X̄)² + n(X̄ − μ)². Taking expectations,
nσ² = E[Σ(X_i − X̄)²] + n·Var(X̄) = E[Σ(X_i − X̄)²] + σ², so the deviations
from X̄ carry only (n − 1)σ²: dividing them by n underestimates σ² by the
factor (n − 1)/n, dividing by n − 1 is unbiased. Here 200,000 normal samples
of each size n (σ² = 4) check the identity, the expectations, the
degrees-of-freedom count and the sampling distributions of both estimators.
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
import math

import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(0)
numbers = {}
# --8<-- [end:setup]

# %% [markdown]
# The decomposition behind the proof, for samples of size n = 5: it holds sample by
# sample, and its three terms average to nσ², (n − 1)σ² and σ².

# %%
# --8<-- [start:decompose]
mu, sigma2 = 1.0, 4.0  # the true mean and variance
repeats, n = 200_000, 5  # 200,000 samples of size 5
samples = rng.normal(loc=mu, scale=np.sqrt(sigma2), size=(repeats, n))
sample_mean = samples.mean(axis=1, keepdims=True)
around_mu = ((samples - mu) ** 2).sum(axis=1)  # Σ(X_i − μ)²
around_mean = ((samples - sample_mean) ** 2).sum(axis=1)  # Σ(X_i − X̄)²
mean_term = n * (sample_mean[:, 0] - mu) ** 2  # n(X̄ − μ)²
identity_gap = np.abs(around_mu - (around_mean + mean_term)).max()
print(f"max |Σ(X−μ)² − Σ(X−X̄)² − n(X̄−μ)²| = {identity_gap:.1e}")
print(f"E[Σ(X−μ)²] = {around_mu.mean():.3f}   nσ²     = {n * sigma2:g}")
print(f"E[Σ(X−X̄)²] = {around_mean.mean():.3f}   (n−1)σ² = {n * sigma2 - sigma2:g}")
print(f"E[n(X̄−μ)²] = {mean_term.mean():.3f}    n·σ²/n  = {sigma2:g}")
# --8<-- [end:decompose]
numbers.update(mu=f"{mu:g}", sigma2=f"{sigma2:g}", repeats=f"{repeats:,}")
numbers.update(identity_gap=f"{identity_gap:.1e}", e_around_mu=f"{around_mu.mean():.3f}",
               e_around_mean=f"{around_mean.mean():.3f}", e_mean_term=f"{mean_term.mean():.3f}",
               n_sigma2=f"{n * sigma2:g}", n1_sigma2=f"{(n - 1) * sigma2:g}")

# %% [markdown]
# The two estimators, averaged over as many samples of each size n.

# %%
# --8<-- [start:simulate]
results = {}
for n in (2, 5, 10):
    samples = rng.normal(loc=mu, scale=np.sqrt(sigma2), size=(repeats, n))
    divide_by_n = samples.var(axis=1, ddof=0)  # numpy's default
    divide_by_n_minus_1 = samples.var(axis=1, ddof=1)
    results[n] = (samples, divide_by_n, divide_by_n_minus_1)
    theory = (n - 1) / n * sigma2
    print(f"n={n:>2}: /n averages {divide_by_n.mean():.3f} "
          f"(theory {theory:.3f}), "
          f"/(n-1) averages {divide_by_n_minus_1.mean():.3f} (σ² = {sigma2:g})")
# --8<-- [end:simulate]
for n, (_, by_n, by_n_minus_1) in results.items():
    numbers[f"mean_by_n_{n}"] = f"{by_n.mean():.3f}"
    numbers[f"theory_by_n_{n}"] = f"{(n - 1) / n * sigma2:.3f}"
    numbers[f"mean_by_n_minus_1_{n}"] = f"{by_n_minus_1.mean():.3f}"

# %% [markdown]
# Unbiased is a statement about the average, not about a typical sample: the
# unbiased estimates are skewed, and more than half of them fall below σ².

# %%
# --8<-- [start:below]
for n, (_, by_n, by_n_minus_1) in results.items():
    share_unbiased = (by_n_minus_1 < sigma2).mean()
    share_biased = (by_n < sigma2).mean()
    print(f"n={n:>2}: below σ²: {share_unbiased:.3f} of the /(n-1) estimates, "
          f"{share_biased:.3f} of the /n ones")
# --8<-- [end:below]
for n, (_, by_n, by_n_minus_1) in results.items():
    numbers[f"below_by_n_minus_1_{n}"] = f"{(by_n_minus_1 < sigma2).mean():.3f}"
    numbers[f"below_by_n_{n}"] = f"{(by_n < sigma2).mean():.3f}"


# %% [markdown]
# Degrees of freedom: the n deviations X_i − X̄ always sum to zero, so they
# live in an (n − 1)-dimensional subspace. A matrix whose rows are many
# deviation vectors has rank n − 1: its smallest singular value is rounding noise.

# %%
# --8<-- [start:dof]
samples_of_5 = results[5][0]
deviations = samples_of_5 - samples_of_5.mean(axis=1, keepdims=True)  # shape (repeats, 5)
deviation_sums = deviations.sum(axis=1)
print(f"largest |sum of the 5 deviations| = {np.abs(deviation_sums).max():.1e}")
last_from_others = -deviations[:, :-1].sum(axis=1)  # the 5th, from the other 4
gap = np.abs(deviations[:, -1] - last_from_others).max()
print(f"max |5th deviation − (−sum of the other 4)| = {gap:.1e}")
stacked = deviations[:1000]  # 1000 deviation vectors as rows
singular_values = np.linalg.svd(stacked, compute_uv=False)
print("singular values:", np.array2string(singular_values, precision=3))
print("rank:", np.linalg.matrix_rank(stacked), "= n − 1")
# --8<-- [end:dof]
numbers.update(dev_sum_max=f"{np.abs(deviation_sums).max():.1e}",
               smallest_singular=f"{singular_values[-1]:.1e}",
               second_smallest_singular=f"{singular_values[-2]:.1f}",
               rank=int(np.linalg.matrix_rank(stacked)))

# %% [markdown]
# The sampling distributions of both estimators for n = 2, 5, 10. For normal
# data Σ(X_i − X̄)²/σ² follows a chi-square distribution with n − 1 degrees of
# freedom; the curves are that density, rescaled for each estimator.

# %%
def scaled_chi2_pdf(t, dof, scale):
    """Density of scale · Q where Q ~ chi-square(dof)."""
    q = t / scale
    log_pdf = (dof / 2 - 1) * np.log(q) - q / 2 - dof / 2 * math.log(2) - math.lgamma(dof / 2)
    return np.exp(log_pdf) / scale


TEXT = {
    "zh": {"title": "n = {n}", "n": "除以 n（有偏）", "n1": "除以 n − 1（无偏）",
           "truth": "真实方差 σ² = 4", "theory": "理论密度（χ² 分布）", "mean": "各自的平均值（竖实线）",
           "x": "估计值", "y": "密度"},
    "en": {"title": "n = {n}", "n": "divide by n (biased)", "n1": "divide by n − 1 (unbiased)",
           "truth": "true variance σ² = 4", "theory": "theory (chi-square density)",
           "mean": "mean of each (solid line)", "x": "estimate", "y": "density"},
}[LANG]
fig, axes = plt.subplots(1, 3, figsize=(9, 3.6))
bins = np.linspace(0, 16, 49)
grid = np.linspace(0.05, 16, 300)
for ax, (n, (_, by_n, by_n_minus_1)) in zip(axes, results.items()):
    for estimates, divisor, color in ((by_n, n, "C0"), (by_n_minus_1, n - 1, "C1")):
        ax.hist(estimates, bins=bins, density=True, histtype="stepfilled", alpha=0.45, color=color)
        ax.plot(grid, scaled_chi2_pdf(grid, n - 1, sigma2 / divisor), color=color, linewidth=1)
        ax.axvline(estimates.mean(), color=color, linewidth=2)
    ax.axvline(sigma2, color="black", linestyle="--")
    ax.set(title=TEXT["title"].format(n=n), xlabel=TEXT["x"], xlim=(0, 16),
           ylim=(0, 0.3 if n == 2 else None))
axes[0].set_ylabel(TEXT["y"])
handles = [plt.Rectangle((0, 0), 1, 1, color="C0", alpha=0.45), plt.Rectangle((0, 0), 1, 1, color="C1", alpha=0.45),
           plt.Line2D([], [], color="grey", linewidth=1), plt.Line2D([], [], color="grey", linewidth=2),
           plt.Line2D([], [], color="black", linestyle="--")]
labels = [TEXT["n"], TEXT["n1"], TEXT["theory"], TEXT["mean"], TEXT["truth"]]
fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=9, frameon=False)
fig.tight_layout(rect=(0, 0.14, 1, 1))
fig.savefig(OUT / "sampling_distributions.svg")

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
