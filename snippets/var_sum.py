"""The variance of a sum: n·σ² when the terms are uncorrelated, more or less when they are not.

Var(X_1 + … + X_n) is the sum of all the covariances Cov(X_i, X_j). When the
X_i are independent (or merely uncorrelated) only the n variances survive, so
the sum has variance n·σ² and the mean has variance σ²/n. When they are not,
the covariances stay: X + X has variance 4σ², and in general
Var(X + Y) = Var X + Var Y + 2 Cov(X, Y). Each case is simulated here.
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

rng = np.random.default_rng(0)
numbers = {}
# --8<-- [end:setup]

# %% [markdown]
# Independent terms. The X_i are exponential with scale 2 (mean 2, variance 4):
# the rule needs no normal distribution.

# %%
# --8<-- [start:independent]
sigma2 = 4.0  # the variance of each term
n = 10
repeats = 200_000
# independent exponential draws, each with variance 4
draws = rng.exponential(scale=np.sqrt(sigma2), size=(repeats, n))
sums = draws.sum(axis=1)
means = draws.mean(axis=1)
print(f"Var(sum of {n})  = {sums.var():.2f}    n·σ² = {n * sigma2:.2f}")
print(f"Var(mean of {n}) = {means.var():.4f}  σ²/n = {sigma2 / n:.4f}")
# --8<-- [end:independent]
numbers.update(sigma2=f"{sigma2:g}", n=n, repeats=f"{repeats:,}",
               var_sum=f"{sums.var():.2f}", theory_sum=f"{n * sigma2:g}",
               var_mean=f"{means.var():.4f}", theory_mean=f"{sigma2 / n:g}")

# %% [markdown]
# The same n terms, but all equal to one X: every covariance is σ², and the
# variance grows like n²σ², not nσ². For n = 2 this is X + X.

# %%
# --8<-- [start:copies]
x = rng.normal(scale=np.sqrt(sigma2), size=repeats)
x_plus_x = x + x
print(f"Var(X)     = {x.var():.2f}")
print(f"Var(X + X) = {x_plus_x.var():.2f}   4σ² = {4 * sigma2:g}, "
      f"not 2σ² = {2 * sigma2:g}")
copies = np.tile(x[:, None], (1, n))  # n columns, all the same X
print(f"Var(sum of {n} copies of X) = {copies.sum(axis=1).var():.1f}   "
      f"n²σ² = {n * n * sigma2:g}")
# --8<-- [end:copies]
numbers.update(var_x=f"{x.var():.2f}", var_x_plus_x=f"{x_plus_x.var():.2f}",
               theory_x_plus_x=f"{4 * sigma2:g}", two_sigma2=f"{2 * sigma2:g}",
               var_copies=f"{copies.sum(axis=1).var():.1f}", theory_copies=f"{n * n * sigma2:g}")

# %% [markdown]
# Uncorrelated is enough, independence is not needed: Y = S·X with a random sign S
# is uncorrelated with X, yet fully dependent on it (|Y| = |X|).

# %%
# --8<-- [start:uncorrelated]
sign = rng.choice([-1.0, 1.0], size=repeats)
y = sign * x  # Cov(X, Y) = E[S]·E[X²] = 0, but |Y| = |X|
print(f"corr(X, Y)   = {np.corrcoef(x, y)[0, 1]:+.4f}   (uncorrelated)")
print(f"corr(X², Y²) = {np.corrcoef(x**2, y**2)[0, 1]:+.4f}   (dependent)")
print(f"Var(X + Y)   = {(x + y).var():.2f}   theory 2σ² = {2 * sigma2:g}")
# --8<-- [end:uncorrelated]
numbers.update(corr_xy=f"{np.corrcoef(x, y)[0, 1]:+.4f}", corr_x2y2=f"{np.corrcoef(x**2, y**2)[0, 1]:.4f}",
               var_x_plus_sx=f"{(x + y).var():.2f}")

# %% [markdown]
# A correlated pair: Y = ρX + sqrt(1 − ρ²)Z has the same variance as X and
# correlation ρ with it, so Var(X + Y) = 2σ² + 2ρσ².

# %%
# --8<-- [start:correlated]
z = rng.normal(scale=np.sqrt(sigma2), size=repeats)
rhos = np.linspace(-1, 1, 9)
var_pair = []
for rho in rhos:
    y_rho = rho * x + np.sqrt(1 - rho**2) * z
    var_pair.append((x + y_rho).var())
    cov = np.mean((x - x.mean()) * (y_rho - y_rho.mean()))  # divides by n
    expanded = x.var() + y_rho.var() + 2 * cov
    theory = 2 * sigma2 * (1 + rho)
    print(f"ρ={rho:+.2f}: VarX + VarY + 2Cov = {expanded:5.2f}, "
          f"Var(X+Y) = {var_pair[-1]:5.2f}, 2σ²(1+ρ) = {theory:5.2f}")
# --8<-- [end:correlated]
for rho, v in zip(rhos, var_pair):
    numbers[f"var_pair_{round(rho * 100):+d}".replace("+", "p").replace("-", "m")] = f"{v:.2f}"

# %% [markdown]
# Both pictures side by side.

# %%
TEXT = {
    "zh": {"left": "n 项之和的方差", "nterms": "项数 n", "var": "方差", "indep": "相互独立：nσ²",
           "same": "n 项都是同一个 X：n²σ²", "mc": "蒙特卡洛", "right": "两项之和：Var(X + Y)",
           "rho": "相关系数 ρ", "theory": "理论 2σ²(1 + ρ)", "xx": "Y = X：4σ²", "xminus": "Y = −X：0"},
    "en": {"left": "Variance of a sum of n terms", "nterms": "number of terms n", "var": "variance",
           "indep": "independent: nσ²", "same": "all n terms the same X: n²σ²", "mc": "Monte Carlo",
           "right": "Sum of two: Var(X + Y)", "rho": "correlation ρ", "theory": "theory 2σ²(1 + ρ)",
           "xx": "Y = X: 4σ²", "xminus": "Y = −X: 0"},
}[LANG]
term_counts = np.arange(1, 11)
var_indep = [draws[:20_000, :k].sum(axis=1).var() for k in term_counts]
var_same = [(k * x[:20_000]).var() for k in term_counts]
fig, (ax_left, ax_right) = plt.subplots(1, 2, figsize=(9, 3.5))
ax_left.plot(term_counts, term_counts * sigma2, color="C0", label=TEXT["indep"])
ax_left.plot(term_counts, term_counts**2 * sigma2, color="C3", label=TEXT["same"])
ax_left.plot(term_counts, var_indep, "o", color="C0", markersize=4)
ax_left.plot(term_counts, var_same, "o", color="C3", markersize=4, label=TEXT["mc"])
ax_left.set(title=TEXT["left"], xlabel=TEXT["nterms"], ylabel=TEXT["var"], yscale="log")
ax_left.legend(fontsize=9)
grid = np.linspace(-1, 1, 101)
ax_right.plot(grid, 2 * sigma2 * (1 + grid), color="C0", label=TEXT["theory"])
ax_right.plot(rhos, var_pair, "o", color="C1", markersize=5, label=TEXT["mc"])
ax_right.annotate(TEXT["xx"], (1, 4 * sigma2), xytext=(0.05, 14.5), arrowprops={"arrowstyle": "->"})
ax_right.annotate(TEXT["xminus"], (-1, 0), xytext=(-0.45, 0.4), arrowprops={"arrowstyle": "->"})
ax_right.set(title=TEXT["right"], xlabel=TEXT["rho"], ylabel=TEXT["var"])
ax_right.legend(fontsize=9, loc="upper left")
fig.tight_layout()
fig.savefig(OUT / "sum_variance.svg")

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
