"""A collapsing component: why a Gaussian mixture's likelihood is unbounded, and two guards.

Put one component's mean exactly on a data point and let its standard deviation
σ shrink: that point's density grows like 1/σ, while the other component keeps
every other point's density above zero, so the log-likelihood grows without
bound. EM can walk into this: below, a component that starts on an outlier
shrinks onto it, its variance reaches exactly 0 and the log-likelihood becomes
NaN. A variance floor keeps everything finite, but the component stays on the
spike, at a height the floor decides; restarting the component only sends it
back to the outlier again.
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

# %% [markdown]
# Data: 40 points from N(0, 1) and one outlier at 6.

# %%
x = np.append(rng.normal(0.0, 1.0, size=40), 6.0)
n = x.size
print(f"n = {n}, sample variance (divide by n) = {x.var():.3f}")


def log_normal(x, means, variances):
    """log N(x_i | μ_k, σ_k²): one row per point, one column per component."""
    return -0.5 * (np.log(2 * np.pi * variances) + (x[:, None] - means) ** 2 / variances)


def log_likelihood(x, weights, means, variances):
    return np.logaddexp.reduce(np.log(weights) + log_normal(x, means, variances), axis=1).sum()
# --8<-- [end:setup]


# %% [markdown]
# The log-likelihood as the second component's σ shrinks with its mean on the outlier,
# and, for contrast, a single Gaussian centred on the same point.

# %%
# --8<-- [start:unbounded]
outlier = x[-1]
sigmas = np.logspace(0, -8, 33)  # from 1 down to 1e-8
fixed_weights = np.array([0.9, 0.1])  # component 1 stays N(0, 1); component 2 is N(outlier, σ²)
mixture_ll = np.array([log_likelihood(x, fixed_weights, np.array([0.0, outlier]),
                                      np.array([1.0, s**2])) for s in sigmas])
single_ll = np.array([log_likelihood(x, np.ones(1), np.array([outlier]), np.array([s**2]))
                      for s in sigmas])
for s, mix, single in zip(sigmas[::8], mixture_ll[::8], single_ll[::8]):
    print(f"sigma = {s:.0e}: mixture log L = {mix:8.2f}   single Gaussian log L = {single:.3g}")
growth = (mixture_ll[-1] - mixture_ll[-9]) / np.log(sigmas[-9] / sigmas[-1])
print(f"mixture log L gains {growth:.4f} per unit of -log sigma: no upper bound")
# --8<-- [end:unbounded]

# %% [markdown]
# EM with three policies for a shrinking variance: none, a floor, and a restart of the component.

# %%
# --8<-- [start:guards]
def em(x, guard, iterations=200, var_floor=1e-6, restart_below=1e-3, seed=1):
    restart_rng = np.random.default_rng(seed)
    weights, means, variances = np.full(2, 0.5), np.array([0.0, outlier]), np.full(2, x.var())
    history, restarts = [], 0
    for _ in range(iterations):
        log_joint = np.log(weights) + log_normal(x, means, variances)  # E-step
        log_px = np.logaddexp.reduce(log_joint, axis=1)
        history.append(log_px.sum())
        if not np.isfinite(history[-1]):
            break
        r = np.exp(log_joint - log_px[:, None])
        counts = r.sum(axis=0)  # M-step
        weights, means = counts / n, (r * x[:, None]).sum(axis=0) / counts
        variances = (r * (x[:, None] - means) ** 2).sum(axis=0) / counts
        if guard == "floor":
            variances = np.maximum(variances, var_floor)
        elif guard == "restart":
            for k in np.flatnonzero(variances < restart_below * x.var()):  # collapsing
                means[k], variances[k] = restart_rng.choice(x), x.var()
                weights[k] = 1 / len(weights)
                weights, restarts = weights / weights.sum(), restarts + 1
    return np.array(history), variances, restarts
# --8<-- [end:guards]


# %%
# --8<-- [start:guard-runs]
with np.errstate(divide="ignore", invalid="ignore"):  # log(0) and 0/0 are the point here
    runs = {guard: em(x, guard) for guard in ("none", "floor", "restart")}
for guard, (history, variances, restarts) in runs.items():
    print(f"{guard:>7}: {len(history)} E-steps, last log L = {history[-1]:.4f}, "
          f"variances = {variances}, restarts = {restarts}")
floor_history = runs["floor"][0]  # the loop has no convergence test: it stops at the cap of 200 E-steps
floor_flat_from = np.flatnonzero(np.abs(np.diff(floor_history)) > 1e-9)[-1] + 2  # 1-based E-step
print(f"  floor: from E-step {floor_flat_from} to E-step {len(floor_history)}, log L changes by less than 1e-9")
floor_lls = {floor: em(x, "floor", var_floor=floor)[0][-1] for floor in (1e-2, 1e-4, 1e-6, 1e-8)}
print("final log L for each floor:", {f"{f:.0e}": round(float(ll), 2) for f, ll in floor_lls.items()})
floor_ll_step = (floor_lls[1e-8] - floor_lls[1e-2]) / 3  # per factor 100; theory: log(100) / 2
print(f"gain per factor 100 in the floor: {floor_ll_step:.4f}; log(100)/2 = {np.log(100) / 2:.4f}")
# --8<-- [end:guard-runs]

# %% [markdown]
# How the unguarded variance went to zero, step by step.

# %%
with np.errstate(divide="ignore", invalid="ignore"):
    collapse_vars = [float(em(x, "none", iterations=t)[1][1]) for t in (1, 2, 3)]
print("variance of the outlier's component after M-steps 1, 2, 3:", collapse_vars)

# %% [markdown]
# In two dimensions a component that owns only two points has a rank-1 covariance,
# which has no Cholesky factor; the ridge of em_gmm_2d.py fixes that.

# %%
# --8<-- [start:singular]
two_points = np.array([[0.0, 0.0], [1.0, 2.0]])
cov = np.cov(two_points.T, bias=True)  # [[0.25, 0.5], [0.5, 1.0]], determinant 0
try:
    np.linalg.cholesky(cov)
except np.linalg.LinAlgError as error:
    singular_error = f"{type(error).__name__}: {error}"
    print(singular_error)
ridged = cov + 1e-6 * np.eye(2)  # what m_step in em_gmm_2d.py adds
ridge_det = np.linalg.det(ridged)
print(f"with a ridge of 1e-6: determinant {ridge_det:.2e}, "
      f"Cholesky factor {np.linalg.cholesky(ridged).round(4).tolist()}")
# --8<-- [end:singular]

# %% [markdown]
# The figure: the unbounded log-likelihood, and EM under the three policies.

# %%
TEXT = {
    "zh": {"left": "均值放在离群点上，σ → 0", "sigma": "第二个成分的 σ（向右减小）", "loglik": "对数似然 log L",
           "mixture": "两成分混合（另一成分覆盖其余点）",
           "right": "三种处理方式下 EM 的对数似然", "step": "E 步序号",
           "none": "不加保护：第 {t} 步成为 NaN", "floor": "方差下限 1e-6：停在尖峰上",
           "restart": "重启坍缩的成分（200 步内重启 {r} 次）"},
    "en": {"left": "Mean on the outlier, σ → 0", "sigma": "σ of the second component (decreasing →)",
           "loglik": "log-likelihood log L", "mixture": "two-component mixture (the other covers the rest)",
           "right": "EM's log-likelihood under three policies", "step": "E-step",
           "none": "no guard: NaN at step {t}", "floor": "variance floor 1e-6: stays on the spike",
           "restart": "restart the collapsing component ({r} restarts in 200 steps)"},
}[LANG]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
axes[0].semilogx(sigmas, mixture_ll, "o-", color="C3", markersize=3, label=TEXT["mixture"])
axes[0].invert_xaxis()
axes[0].set(title=TEXT["left"], xlabel=TEXT["sigma"], ylabel=TEXT["loglik"])
axes[0].legend(fontsize=8, loc="upper left")
none_history = runs["none"][0]
finite = np.isfinite(none_history)
axes[1].plot(np.flatnonzero(finite) + 1, none_history[finite], "o-", color="C3",
             label=TEXT["none"].format(t=len(none_history)))
axes[1].plot(len(none_history), none_history[finite][-1], "x", color="C3", markersize=12, markeredgewidth=2)
axes[1].plot(np.arange(1, len(runs["floor"][0]) + 1), runs["floor"][0], color="C1", label=TEXT["floor"])
axes[1].plot(np.arange(1, len(runs["restart"][0]) + 1), runs["restart"][0], color="C2",
             label=TEXT["restart"].format(r=runs["restart"][2]))
axes[1].set(title=TEXT["right"], xlabel=TEXT["step"], ylabel=TEXT["loglik"])
axes[1].legend(fontsize=8)
fig.tight_layout()
fig.savefig(OUT / "collapse.svg")

# %%
numbers = {
    "n": n,
    "bulk": n - 1,
    "outlier": f"{outlier:.0f}",
    "fixed_weight": fixed_weights[0],
    **{f"floor_ll_e{-int(np.log10(f))}": f"{ll:.2f}" for f, ll in floor_lls.items()},  # floor_ll_e6: floor 1e-6
    "growth": f"{growth:.4f}",
    "sigma_ll_e0": f"{mixture_ll[0]:.2f}",  # sigma = 1e-0
    "sigma_ll_e2": f"{mixture_ll[8]:.2f}",
    "sigma_ll_e4": f"{mixture_ll[16]:.2f}",
    "sigma_ll_e8": f"{mixture_ll[32]:.2f}",
    "single_ll_e0": f"{single_ll[0]:.0f}",
    "single_ll_e2": f"{single_ll[8]:.2e}",
    "none_steps": len(runs["none"][0]),
    "none_last_finite": f"{runs['none'][0][np.isfinite(runs['none'][0])][-1]:.2f}",
    "collapse_var_1": f"{collapse_vars[0]:.3f}",
    "collapse_var_2": f"{collapse_vars[1]:.1e}",
    "collapse_var_3": f"{collapse_vars[2]}",
    "floor_ll": f"{runs['floor'][0][-1]:.2f}",
    "floor_ll_step": f"{floor_ll_step:.2f}",
    "floor_steps": len(runs["floor"][0]),
    "floor_flat_from": int(floor_flat_from),
    "floor_var": f"{runs['floor'][1][1]:.0e}",
    "restart_steps": len(runs["restart"][0]),
    "restarts": runs["restart"][2],
    "singular_error": singular_error,
    "ridge_det": f"{ridge_det:.2e}",
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
