"""Bias against mean squared error: which divisor estimates σ² best?

Write Q = Σ(X_i − X̄)² and estimate σ² by Q/d. For normal data
E[Q] = (n − 1)σ² and Var(Q) = 2(n − 1)σ⁴, so
MSE(d) = bias² + variance = σ⁴ · [2(n − 1) + (n − 1 − d)²] / d².
That gives 2σ⁴/(n − 1) for d = n − 1, (2n − 1)σ⁴/n² for d = n, and the
minimum 2σ⁴/(n + 1) at d = n + 1: the unbiased estimator has the largest MSE
of the three. For other distributions Var(Q) depends on the excess kurtosis κ,
and the best divisor moves to n + 1 + κ(n − 1)/n. Monte Carlo checks it all.
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

rng = np.random.default_rng(2)
numbers = {}
# --8<-- [end:setup]

# %% [markdown]
# Normal data, n = 5, σ² = 4: bias, variance and MSE of Q/d for d = n − 1, n, n + 1.

# %%
# --8<-- [start:normal]
sigma2, repeats = 4.0, 200_000


def theory_mse(n, d, excess_kurtosis=0.0):
    """MSE of Q/d in units of σ⁴, from Var(s²) = σ⁴(2/(n−1) + κ/n)."""
    var_q = (n - 1) ** 2 * (2 / (n - 1) + excess_kurtosis / n)
    return (var_q + (n - 1 - d) ** 2) / d**2


n = 5
samples = rng.normal(scale=np.sqrt(sigma2), size=(repeats, n))
deviations = samples - samples.mean(axis=1, keepdims=True)
q = (deviations**2).sum(axis=1)  # Q = Σ(X_i − X̄)²
print("divisor    mean  bias²  variance    MSE  theory")
for label, d in (("n-1", n - 1), ("n", n), ("n+1", n + 1)):
    estimate = q / d
    bias2, variance = (estimate.mean() - sigma2) ** 2, estimate.var()
    mse = np.mean((estimate - sigma2) ** 2)
    theory = theory_mse(n, d) * sigma2**2
    print(f"{label:>3} = {d}  {estimate.mean():6.3f} {bias2:6.3f}  "
          f"{variance:8.3f} {mse:6.3f} {theory:7.3f}")
# --8<-- [end:normal]
numbers.update(sigma2=f"{sigma2:g}", sigma4=f"{sigma2**2:g}", repeats=f"{repeats:,}", n=n)
for label, d in (("nm1", n - 1), ("n", n), ("np1", n + 1)):
    estimate = q / d
    numbers.update({f"mean_{label}": f"{estimate.mean():.3f}",
                    f"bias2_{label}": f"{(estimate.mean() - sigma2) ** 2:.3f}",
                    f"variance_{label}": f"{estimate.var():.3f}",
                    f"mse_{label}": f"{np.mean((estimate - sigma2) ** 2):.3f}",
                    f"theory_{label}": f"{theory_mse(n, d) * sigma2**2:.3f}"})

# %% [markdown]
# The same three divisors for n = 2 and n = 10 (MSE in units of σ⁴, so the
# theory column is 2/(n − 1), (2n − 1)/n² and 2/(n + 1)).

# %%
# --8<-- [start:sizes]
mse_by_size = {}
for size in (2, 10):  # n = 5 is the table above
    x = rng.normal(scale=np.sqrt(sigma2), size=(repeats, size))
    q_size = x.var(axis=1) * size  # Q, from numpy's divide-by-n variance
    row = []
    for d in (size - 1, size, size + 1):
        mse = np.mean((q_size / d - sigma2) ** 2) / sigma2**2
        mse_by_size[size, d] = mse
        row.append(f"d={d:>2}: {mse:.4f} ({theory_mse(size, d):.4f})")
    print(f"n={size:>2}  MSE/σ⁴ (theory): " + "  ".join(row))
# --8<-- [end:sizes]
for (size, d), mse in mse_by_size.items():
    numbers[f"mse_{size}_d{d}"] = f"{mse:.4f}"
    numbers[f"theory_{size}_d{d}"] = f"{theory_mse(size, d):.4f}"

# %% [markdown]
# Not a law of nature: for a fair coin with values ±σ (excess kurtosis −2) the
# unbiased estimator beats divide-by-n; for exponential data (excess kurtosis 6)
# even n + 1 is too small a divisor.

# %%
# --8<-- [start:other]
sigma = np.sqrt(sigma2)
shape = (repeats, n)
distributions = {  # name: (draws with variance σ², excess kurtosis κ)
    "coin ±σ": (rng.choice([-sigma, sigma], size=shape), -2.0),
    "exponential": (rng.exponential(scale=sigma, size=shape), 6.0),
}
mse_by_distribution = {}
for name, (x, kurtosis) in distributions.items():
    q_dist = ((x - x.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    mse_by_distribution[name] = (q_dist, kurtosis)
    mse = {d: np.mean((q_dist / d - sigma2) ** 2) / sigma2**2
           for d in (n - 1, n, n + 1)}
    best_divisor = n + 1 + kurtosis * (n - 1) / n  # n + 1 + κ(n − 1)/n
    print(f"{name:>11}: MSE/σ⁴ "
          + ", ".join(f"d={d}: {v:.3f}" for d, v in mse.items())
          + f"; lowest of the three at d={min(mse, key=mse.get)}, "
          f"best divisor {best_divisor:.1f}")
# --8<-- [end:other]
numbers["best_d_normal"] = f"{n + 1:.1f}"  # κ = 0
for key, name in (("coin", "coin ±σ"), ("exp", "exponential")):
    q_dist, kurtosis = mse_by_distribution[name]
    numbers[f"best_d_{key}"] = f"{n + 1 + kurtosis * (n - 1) / n:.1f}"
    for label, d in (("nm1", n - 1), ("n", n), ("np1", n + 1)):
        numbers[f"{key}_mse_{label}"] = f"{np.mean((q_dist / d - sigma2) ** 2) / sigma2**2:.3f}"
        numbers[f"{key}_theory_{label}"] = f"{theory_mse(n, d, kurtosis):.3f}"

# %% [markdown]
# MSE as a function of the divisor d, for n = 5: normal data split into bias²
# and variance, and the three distributions side by side.

# %%
mse_by_distribution = {"normal": (q, 0.0), **mse_by_distribution}  # normal: the first cell's samples
TEXT = {
    "zh": {"left": "正态数据，n = 5：MSE = 偏差² + 方差", "right": "三种分布，n = 5", "d": "除数 d",
           "y": "MSE / σ⁴", "bias2": "偏差²", "var": "方差", "mse": "MSE", "mc": "蒙特卡洛",
           "normal": "正态（κ = 0）", "coin ±σ": "±σ 硬币（κ = −2）", "exponential": "指数（κ = 6）",
           "min": "最小值"},
    "en": {"left": "Normal data, n = 5: MSE = bias² + variance", "right": "Three distributions, n = 5",
           "d": "divisor d", "y": "MSE / σ⁴", "bias2": "bias²", "var": "variance", "mse": "MSE",
           "mc": "Monte Carlo", "normal": "normal (κ = 0)", "coin ±σ": "coin ±σ (κ = −2)",
           "exponential": "exponential (κ = 6)", "min": "minimum"},
}[LANG]
divisors = np.linspace(2.5, 13, 200)
integer_divisors = np.arange(3, 14)
fig, (ax_left, ax_right) = plt.subplots(1, 2, figsize=(9.2, 3.6))
bias2_curve = ((n - 1 - divisors) / divisors) ** 2
ax_left.plot(divisors, bias2_curve, color="C2", label=TEXT["bias2"])
ax_left.plot(divisors, 2 * (n - 1) / divisors**2, color="C4", label=TEXT["var"])
ax_left.plot(divisors, theory_mse(n, divisors), color="black", label=TEXT["mse"])
ax_left.plot(integer_divisors, [np.mean((q / d - sigma2) ** 2) / sigma2**2 for d in integer_divisors],
             "o", color="C1", markersize=4, label=TEXT["mc"])
for d, tag in ((n - 1, "n−1"), (n, "n"), (n + 1, "n+1")):
    ax_left.axvline(d, color="grey", linewidth=0.8, linestyle=":")
    ax_left.text(d, 0.86, tag, ha="center", fontsize=9, transform=ax_left.get_xaxis_transform())
ax_left.set(title=TEXT["left"], xlabel=TEXT["d"], ylabel=TEXT["y"], ylim=(0, 1.0))
ax_left.legend(fontsize=9, loc="upper right")
for (name, (q_dist, kurtosis)), color in zip(mse_by_distribution.items(), ("black", "C0", "C3")):
    curve = theory_mse(n, divisors, kurtosis)
    ax_right.plot(divisors, curve, color=color, label=TEXT[name])
    ax_right.plot(integer_divisors, [np.mean((q_dist / d - sigma2) ** 2) / sigma2**2 for d in integer_divisors],
                  "o", color=color, markersize=3.5)
    best = n + 1 + kurtosis * (n - 1) / n
    ax_right.plot([best], [theory_mse(n, best, kurtosis)], "*", color=color, markersize=11)
ax_right.plot([], [], "*", color="grey", markersize=9, label=TEXT["min"])
ax_right.set(title=TEXT["right"], xlabel=TEXT["d"], ylabel=TEXT["y"], ylim=(0, 2.0))
ax_right.legend(fontsize=9, loc="upper right")
fig.tight_layout()
fig.savefig(OUT / "mse_by_divisor.svg")

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
