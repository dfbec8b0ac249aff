"""The sample standard deviation s is biased even though s² is not.

s² = Σ(X_i − X̄)²/(n − 1) has expectation σ², but the square root is concave,
so E[s] < sqrt(E[s²]) = σ (Jensen's inequality); the gap between the squares is
exactly Var(s): σ² − E[s]² = E[s²] − E[s]² = Var(s). For normal data E[s] = c4(n)·σ with
c4(n) = sqrt(2/(n − 1)) · Γ(n/2) / Γ((n − 1)/2). Monte Carlo with σ = 2 checks
both, and dividing s by c4(n) gives an unbiased estimate of σ for normal data.
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

rng = np.random.default_rng(1)
numbers = {}
# --8<-- [end:setup]

# %% [markdown]
# s against σ for n = 2, 5, 10; the gap Jensen leaves is Var(s) = σ² − E[s]² = σ²(1 − c4²).

# %%
# --8<-- [start:c4]
def c4(n):
    """E[s] / σ for n normal draws (lgamma stays finite for large n)."""
    log_ratio = math.lgamma(n / 2) - math.lgamma((n - 1) / 2)
    return math.sqrt(2 / (n - 1)) * math.exp(log_ratio)


sigma = 2.0
repeats = 200_000
s_by_n = {}
for n in (2, 5, 10):
    draws = rng.normal(scale=sigma, size=(repeats, n))
    s = draws.std(axis=1, ddof=1)  # the square root of the unbiased s²
    print(f"n={n:>2}: E[s²] = {np.mean(s**2):.3f} (σ² = {sigma**2:g}), "
          f"E[s] = {s.mean():.4f} (c4·σ = {c4(n) * sigma:.4f}), "
          f"E[s/c4] = {np.mean(s / c4(n)):.4f}")
    print(f"      Var(s) = {s.var():.4f}, "
          f"σ²(1 − c4²) = {sigma**2 * (1 - c4(n) ** 2):.4f}")
    s_by_n[n] = s
# --8<-- [end:c4]
for n, s in s_by_n.items():
    numbers.update({f"e_s2_{n}": f"{np.mean(s**2):.3f}", f"e_s_{n}": f"{s.mean():.4f}",
                    f"c4_sigma_{n}": f"{c4(n) * sigma:.4f}", f"c4_{n}": f"{c4(n):.4f}",
                    f"e_s_over_c4_{n}": f"{np.mean(s / c4(n)):.4f}",
                    f"var_s_{n}": f"{s.var():.4f}", f"var_s_theory_{n}": f"{sigma**2 * (1 - c4(n) ** 2):.4f}"})
numbers.update(sigma=f"{sigma:g}", sigma2=f"{sigma**2:g}", repeats=f"{repeats:,}")

# %% [markdown]
# The bias shrinks roughly like 1/(4n) but never vanishes: E[s]/σ against n.

# %%
TEXT = {
    "zh": {"title": "样本标准差 s 的偏差：E[s]/σ", "n": "样本量 n", "y": "E[s] / σ", "c4": "理论 c4(n)",
           "mc": "蒙特卡洛", "one": "无偏时应为 1"},
    "en": {"title": "Bias of the sample standard deviation s: E[s]/σ", "n": "sample size n", "y": "E[s] / σ",
           "c4": "theory c4(n)", "mc": "Monte Carlo", "one": "1 if s were unbiased"},
}[LANG]
sizes = np.arange(2, 31)
ratio_mc = [rng.normal(scale=sigma, size=(40_000, k)).std(axis=1, ddof=1).mean() / sigma for k in sizes]
fig, ax = plt.subplots(figsize=(6.5, 3.4))
ax.axhline(1.0, color="black", linestyle="--", linewidth=1, label=TEXT["one"])
ax.plot(sizes, [c4(k) for k in sizes], color="C0", label=TEXT["c4"])
ax.plot(sizes, ratio_mc, "o", color="C1", markersize=4, label=TEXT["mc"])
ax.set(title=TEXT["title"], xlabel=TEXT["n"], ylabel=TEXT["y"], ylim=(0.75, 1.02))
ax.legend(loc="lower right")
fig.tight_layout()
fig.savefig(OUT / "sd_bias.svg")
numbers["c4_30"] = f"{c4(30):.4f}"

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
