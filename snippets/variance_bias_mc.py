"""Dividing by n or by n − 1: a Monte Carlo of the sample variance.

For n independent draws with variance σ², the mean of the squared deviations
from the sample mean has expectation (n − 1)/n · σ², so dividing by n
underestimates σ²; dividing by n − 1 removes the bias. Here 200,000 samples of
each size n are drawn from a normal distribution with σ² = 4.
"""

# %%
import json
import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

LANG = os.environ.get("SNIPPET_LANG", "en")  # language of the figure labels: "zh" or "en"
OUT = Path(os.environ.get("SNIPPET_OUT", "out"))  # where figures and numbers.json go
OUT.mkdir(parents=True, exist_ok=True)
plt.rcParams["font.family"] = ["DejaVu Sans", "Noto Sans CJK SC"]  # Chinese glyphs fall back to Noto
rng = np.random.default_rng(0)

# %%
# --8<-- [start:simulate]
sigma2 = 4.0  # the true variance
repeats = 200_000  # samples of each size
results = {}
for n in (2, 5, 10):
    samples = rng.normal(loc=1.0, scale=np.sqrt(sigma2), size=(repeats, n))
    divide_by_n = samples.var(axis=1, ddof=0)  # numpy's default
    divide_by_n_minus_1 = samples.var(axis=1, ddof=1)
    results[n] = (divide_by_n, divide_by_n_minus_1)
    print(f"n={n:>2}: mean of /n = {divide_by_n.mean():.3f} "
          f"(theory (n-1)/n·σ² = {(n - 1) / n * sigma2:.3f}), "
          f"mean of /(n-1) = {divide_by_n_minus_1.mean():.3f} (σ² = {sigma2})")
# --8<-- [end:simulate]

# %% [markdown]
# The sampling distributions of the two estimators for n = 5.

# %%
TEXT = {
    "zh": {"title": "n = 5 时两种估计量的抽样分布", "n": "除以 n（有偏）", "n1": "除以 n − 1（无偏）",
           "truth": "真实方差 σ² = 4", "x": "估计值", "y": "密度"},
    "en": {"title": "Sampling distributions of the two estimators, n = 5", "n": "divide by n (biased)",
           "n1": "divide by n − 1 (unbiased)", "truth": "true variance σ² = 4", "x": "estimate", "y": "density"},
}[LANG]
divide_by_n, divide_by_n_minus_1 = results[5]
fig, ax = plt.subplots(figsize=(7, 3.6))
bins = np.linspace(0, 16, 81)
ax.hist(divide_by_n, bins=bins, density=True, alpha=0.55, label=TEXT["n"])
ax.hist(divide_by_n_minus_1, bins=bins, density=True, alpha=0.55, label=TEXT["n1"])
ax.axvline(sigma2, color="black", linestyle="--", label=TEXT["truth"])
for estimates, color in ((divide_by_n, "C0"), (divide_by_n_minus_1, "C1")):
    ax.axvline(estimates.mean(), color=color, linewidth=2)
ax.set(title=TEXT["title"], xlabel=TEXT["x"], ylabel=TEXT["y"])
ax.legend()
fig.tight_layout()
fig.savefig(OUT / "sampling_distributions.svg")

# %%
numbers = {"sigma2": sigma2, "repeats": f"{repeats:,}"}
for n, (by_n, by_n_minus_1) in results.items():
    numbers[f"mean_by_n_{n}"] = f"{by_n.mean():.3f}"
    numbers[f"theory_by_n_{n}"] = f"{(n - 1) / n * sigma2:.3f}"
    numbers[f"mean_by_n_minus_1_{n}"] = f"{by_n_minus_1.mean():.3f}"
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
