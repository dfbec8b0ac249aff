"""EM for a two-dimensional Gaussian mixture with full covariances, and its local maxima.

The same two steps as in one dimension: responsibilities in the E-step, a
responsibility-weighted mean and covariance per component in the M-step, with
a small ridge added to each covariance. Ten random initialisations on the same
data all climb monotonically, but not all to the same height: EM finds a local
maximum of the likelihood, and which one depends on where it starts.
k-means is the limit of EM with hard assignments, run here on the same data,
and BIC picks the number of components that the likelihood alone cannot.
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
import itertools
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Ellipse

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
rng = np.random.default_rng(0)

# %% [markdown]
# Data: 600 points from five Gaussian clusters of different shapes; EM is told K = 5.

# %%
true_means = np.array([[0.0, 0.0], [3.5, 0.5], [1.0, 3.5], [5.0, 4.0], [7.0, 0.5]])
true_covs = np.array([[[1.0, 0.6], [0.6, 0.8]], [[0.5, -0.3], [-0.3, 1.0]], [[1.2, 0.0], [0.0, 0.3]],
                      [[0.4, 0.1], [0.1, 0.4]], [[0.3, 0.0], [0.0, 1.2]]])
true_weights = np.array([0.25, 0.2, 0.2, 0.15, 0.2])
n, K = 600, 5
labels = rng.choice(K, size=n, p=true_weights)  # hidden from EM
X = true_means[labels] + np.einsum("nij,nj->ni", np.linalg.cholesky(true_covs)[labels], rng.standard_normal((n, 2)))
print(f"X: {X.shape}, points per true cluster: {np.bincount(labels)}")
# --8<-- [end:setup]

# %% [markdown]
# The two steps with full covariance matrices. The log-density uses a Cholesky
# factor of each covariance instead of an inverse and a determinant.

# %%
# --8<-- [start:steps]
def log_normal(X, means, covs):
    """log N(x_i | μ_k, Σ_k): one row per point, one column per component."""
    chol = np.linalg.cholesky(covs)  # (K, d, d), Σ_k = L_k L_kᵀ
    centred = (X[None] - means[:, None]).transpose(0, 2, 1)  # (K, d, n): x_i − μ_k
    z = np.linalg.solve(chol, centred)  # z = L⁻¹(x − μ), so zᵀz = (x − μ)ᵀ Σ⁻¹ (x − μ)
    log_det = 2 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)  # log det Σ_k
    return -0.5 * (X.shape[1] * np.log(2 * np.pi) + log_det[:, None] + (z**2).sum(axis=1)).T


def e_step(X, weights, means, covs):
    log_joint = np.log(weights) + log_normal(X, means, covs)  # (n, K)
    log_px = np.logaddexp.reduce(log_joint, axis=1)
    return np.exp(log_joint - log_px[:, None]), log_px.sum()  # responsibilities, log L


def m_step(X, r, ridge=1e-6):
    counts = r.sum(axis=0)  # N_k
    means = r.T @ X / counts[:, None]
    centred = X[None] - means[:, None]  # (K, n, d)
    covs = np.einsum("nk,kni,knj->kij", r, centred, centred) / counts[:, None, None]  # / N_k
    covs += ridge * np.eye(X.shape[1])  # the ridge keeps every Σ_k invertible
    return counts / len(X), means, covs
# --8<-- [end:steps]


# %%
# --8<-- [start:fit]
def fit(X, K, init_rng, tolerance=1e-8, max_iterations=1000):
    """EM from K random data points as means; returns every iterate and the log-likelihoods."""
    params = (np.full(K, 1 / K), X[init_rng.choice(len(X), size=K, replace=False)],
              np.repeat(np.cov(X.T, bias=True)[None], K, axis=0))  # π, μ, Σ
    r, log_lik = e_step(X, *params)
    iterates, history = [params], [log_lik]
    for _ in range(max_iterations):
        params = m_step(X, r)
        r, log_lik = e_step(X, *params)
        iterates.append(params)
        history.append(log_lik)
        if history[-1] - history[-2] < tolerance:
            break
    history = np.array(history)
    assert (np.diff(history) >= 0).all(), "the log-likelihood decreased"
    return iterates, history


init_rng = np.random.default_rng(1)
runs = [fit(X, K, init_rng) for _ in range(10)]
finals = np.array([history[-1] for _, history in runs])
smallest_step = min(np.diff(history).min() for _, history in runs)
print("final log L of the 10 runs:", np.round(finals, 2))
print("distinct maxima:", np.unique(finals.round(2))[::-1])
print(f"smallest step of all runs: {smallest_step:.1e}")
# --8<-- [end:fit]

# %% [markdown]
# The best run's log-likelihood again, in torch with an inverse and a log-determinant
# instead of numpy's Cholesky factor.

# %%
# --8<-- [start:check]
best = int(np.flatnonzero(finals > finals.max() - 1e-6)[0])  # first run at the highest maximum
worst = int(np.argmin(finals))
weights, means, covs = runs[best][0][-1]
X_t, means_t, covs_t = (torch.tensor(a, device=device) for a in (X, means, covs))
centred = X_t[None] - means_t[:, None]  # (K, n, 2)
mahalanobis = torch.einsum("kni,kij,knj->kn", centred, torch.linalg.inv(covs_t), centred)
log_density = -0.5 * (2 * math.log(2 * math.pi) + torch.logdet(covs_t)[:, None] + mahalanobis)
log_weights = torch.log(torch.tensor(weights, device=device))[:, None]
log_px_torch = torch.logsumexp(log_weights + log_density, dim=0)  # (n,)
log_px_numpy = np.logaddexp.reduce(np.log(weights) + log_normal(X, means, covs), axis=1)
point_difference = np.abs(log_px_numpy - log_px_torch.cpu().numpy()).max()
log_lik_torch = log_px_torch.sum().item()
print(f"best run {best + 1}: numpy (Cholesky) {finals[best]:.6f}, "
      f"torch (inverse, logdet) {log_lik_torch:.6f}; largest difference per point {point_difference:.1e}")
print("fitted weights:", np.round(np.sort(weights), 3), " true:", np.sort(true_weights))
# --8<-- [end:check]

# %% [markdown]
# Drawing a component: the ellipse (x − μ)ᵀ Σ⁻¹ (x − μ) = 2², which holds
# 1 − e⁻² ≈ 86.5 % of a 2-D Gaussian's mass. Points are coloured by their responsibilities.

# %%
COLOURS = np.array([plt.matplotlib.colors.to_rgb(f"C{k}") for k in range(K)])


def draw(ax, params, title):
    r, _ = e_step(X, *params)
    ax.scatter(X[:, 0], X[:, 1], s=6, c=np.clip(r @ COLOURS, 0, 1), linewidths=0, rasterized=True)
    for k, (mean, cov) in enumerate(zip(params[1], params[2])):
        eigenvalues, eigenvectors = np.linalg.eigh(cov)  # ascending
        angle = np.degrees(np.arctan2(eigenvectors[1, 1], eigenvectors[0, 1]))
        ax.add_patch(Ellipse(mean, 2 * 2 * np.sqrt(eigenvalues[1]), 2 * 2 * np.sqrt(eigenvalues[0]),
                             angle=angle, fill=False, color=COLOURS[k], linewidth=2))
        ax.plot(*mean, "x", color="black", markersize=6)
    ax.set_title(title, fontsize=10)
    ax.set_xlim(-3.5, 9.5)
    ax.set_ylim(-3.5, 7)
    ax.set_aspect("equal")


iterates, history = runs[best]
shown = [0, 5, len(iterates) - 1]  # initialisation, iteration 5, the last iteration
TEXT = {
    "zh": {"step": "第 {t} 次迭代，log L = {ll:.1f}", "start": "初始化，log L = {ll:.1f}"},
    "en": {"step": "iteration {t}, log L = {ll:.1f}", "start": "initialisation, log L = {ll:.1f}"},
}[LANG]
fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4))
for ax, t in zip(axes, shown):
    draw(ax, iterates[t], (TEXT["start"] if t == 0 else TEXT["step"]).format(t=t, ll=history[t]))
fig.tight_layout()
fig.savefig(OUT / "progress.svg", dpi=90)

# %%
TEXT = {
    "zh": {"curves": "10 次随机初始化的对数似然", "iteration": "迭代次数", "loglik": "对数似然 log L",
           "best": "最好：第 {i} 次运行，log L = {ll:.1f}", "worst": "最差：第 {i} 次运行，log L = {ll:.1f}"},
    "en": {"curves": "Log-likelihood of 10 random initialisations", "iteration": "iteration", "loglik": "log-likelihood log L",
           "best": "best: run {i}, log L = {ll:.1f}", "worst": "worst: run {i}, log L = {ll:.1f}"},
}[LANG]
fig, axes = plt.subplots(1, 3, figsize=(10.5, 3.4))
for _, history in runs:
    axes[0].plot(history, linewidth=1.2)
axes[0].set_ylim(finals.min() - 80, finals.max() + 15)
axes[0].set_title(TEXT["curves"], fontsize=10)
axes[0].set(xlabel=TEXT["iteration"], ylabel=TEXT["loglik"])
draw(axes[1], runs[best][0][-1], TEXT["best"].format(i=best + 1, ll=finals[best]))
draw(axes[2], runs[worst][0][-1], TEXT["worst"].format(i=worst + 1, ll=finals[worst]))
fig.tight_layout()
fig.savefig(OUT / "local_maxima.svg", dpi=90)

# %% [markdown]
# The worst run's thinnest component: a needle laid along a few points.

# %%
worst_weights, _, worst_covs = runs[worst][0][-1]
thinnest = int(np.argmin(np.linalg.eigvalsh(worst_covs)[:, 0]))
needle_variances = np.linalg.eigvalsh(worst_covs[thinnest])
print(f"worst run, component {thinnest}: weight {worst_weights[thinnest]:.3f} "
      f"(about {worst_weights[thinnest] * n:.0f} points), variances along its axes {needle_variances.round(4)}")

# %% [markdown]
# k-means: EM with equal weights and one shared covariance s²I, in the limit s → 0.
# The responsibilities become 0 or 1 (each point goes to its nearest mean) and the
# M-step keeps only the means. Started from the best EM run's initial means.

# %%
# --8<-- [start:kmeans]
def kmeans(X, means, max_iterations=100):
    """Lloyd's algorithm; returns the hard labels, the means and the sum of squared distances per step."""
    inertia = []
    for _ in range(max_iterations):
        squared_distances = ((X[:, None] - means[None]) ** 2).sum(axis=2)  # (n, K)
        hard_labels = squared_distances.argmin(axis=1)  # hard E-step: r_ik = 1 for the nearest mean
        inertia.append(squared_distances.min(axis=1).sum())
        new_means = np.array([X[hard_labels == k].mean(axis=0) for k in range(len(means))])  # M-step
        if np.array_equal(new_means, means):
            break
        means = new_means
    return hard_labels, means, np.array(inertia)


hard_labels, kmeans_means, inertia = kmeans(X, runs[best][0][0][1])
assert (np.diff(inertia) <= 0).all(), "the sum of squared distances increased"
print(f"k-means: {len(inertia)} steps, sum of squared distances {inertia[0]:.1f} -> {inertia[-1]:.1f}")

hard_share = {}
for s in (1.0, 0.3, 0.1):  # EM's E-step with equal weights and covariance s² I around the k-means means
    r, _ = e_step(X, np.full(K, 1 / K), kmeans_means, np.repeat(s**2 * np.eye(2)[None], K, axis=0))
    hard_share[s] = (r.max(axis=1) > 0.99).mean()
    print(f"s = {s}: largest responsibility > 0.99 for {hard_share[s]:.0%} of the points, "
          f"arg max = nearest mean for {(r.argmax(axis=1) == hard_labels).mean():.0%}")


def agreement_with_truth(assigned):
    """Share of points whose cluster matches the true one, under the best relabelling."""
    return max((np.array(perm)[assigned] == labels).mean() for perm in itertools.permutations(range(K)))


em_labels = e_step(X, *runs[best][0][-1])[0].argmax(axis=1)
print(f"k-means and EM's most responsible component agree on {(hard_labels == em_labels).mean():.1%} of the points; "
      f"true cluster recovered: EM {agreement_with_truth(em_labels):.1%}, k-means {agreement_with_truth(hard_labels):.1%}")
# --8<-- [end:kmeans]

# %% [markdown]
# Choosing K: the maximised log-likelihood keeps rising with K, so it cannot choose.
# BIC = −2 log L + p log n penalises the p = 6K − 1 free parameters of a 2-D mixture.

# %%
# --8<-- [start:bic]
bic_rng = np.random.default_rng(2)
best_log_lik = {}
for k in range(1, 8):
    tries = [fit(X, k, bic_rng, tolerance=1e-4)[1][-1] for _ in range(4)] if k != K else finals  # K: the runs above
    best_log_lik[k] = max(tries)
bic = {k: -2 * ll + (6 * k - 1) * np.log(n) for k, ll in best_log_lik.items()}  # weights, means, covariances
for k in bic:
    print(f"K = {k}: best log L = {best_log_lik[k]:9.2f}, parameters = {6 * k - 1:2d}, BIC = {bic[k]:8.1f}")
print("BIC is smallest at K =", min(bic, key=bic.get))
# --8<-- [end:bic]

# %%
distinct = np.unique(finals.round(2))[::-1]
numbers = {
    "n": n,
    "ellipse_mass": f"{1 - np.exp(-2):.1%}",
    "progress_mid": shown[1],
    "K": K,
    "runs": len(runs),
    "finals": ", ".join(f"{value:.2f}" for value in finals),
    "distinct_count": len(distinct),
    "distinct": ", ".join(f"{value:.2f}" for value in distinct),
    "best_count": int((finals.round(2) == distinct[0]).sum()),
    "best": f"{finals[best]:.2f}",
    "worst": f"{finals[worst]:.2f}",
    "best_run": best + 1,  # runs are numbered from 1 on the page
    "worst_run": worst + 1,
    "best_iterations": len(runs[best][1]) - 1,
    "smallest_step": f"{smallest_step:.1e}",
    "loglik_torch": f"{log_lik_torch:.2f}",
    "loglik_difference": f"{abs(finals[best] - log_lik_torch):.0e}",
    "point_difference": f"{point_difference:.0e}",
    "needle_points": f"{worst_weights[thinnest] * n:.0f}",
    "needle_small_var": f"{needle_variances[0]:.4f}",
    "needle_large_var": f"{needle_variances[1]:.2f}",
    "kmeans_steps": len(inertia),
    "hard_share_1": f"{hard_share[1.0]:.0%}",
    "hard_share_03": f"{hard_share[0.3]:.0%}",
    "hard_share_01": f"{hard_share[0.1]:.0%}",
    "kmeans_agreement": f"{(hard_labels == em_labels).mean():.1%}",
    "em_truth": f"{agreement_with_truth(em_labels):.1%}",
    "kmeans_truth": f"{agreement_with_truth(hard_labels):.1%}",
    "bic_best_k": min(bic, key=bic.get),
    "bic_runner_up": sorted(bic, key=bic.get)[1],
    "bic_margin": f"{sorted(bic.values())[1] - min(bic.values()):.1f}",
}
for k in bic:
    numbers[f"bic_{k}"] = f"{bic[k]:.1f}"
    numbers[f"bic_loglik_{k}"] = f"{best_log_lik[k]:.1f}"
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
