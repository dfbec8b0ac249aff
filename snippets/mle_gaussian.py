"""Maximum likelihood for a Gaussian: two parameters, both found by setting the gradient to zero.

For x_1, …, x_n drawn from N(μ, σ²) the log-likelihood is
log L(μ, σ²) = −n/2 · log(2πσ²) − Σ(x_i − μ)² / (2σ²). Its two partial
derivatives vanish at μ̂ = x̄ and σ̂² = Σ(x_i − x̄)²/n: the variance estimate
divides by n, so it is the biased estimator (its mean is (n − 1)/n · σ²).
The MLE of σ is √σ̂² (invariance), and minimising the mean squared error of
torch.nn.functional minimises the Gaussian negative log-likelihood with σ fixed
(the two differ by a positive factor and a constant).
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
rng = np.random.default_rng(5)
torch.manual_seed(0)
# --8<-- [end:setup]

# %% [markdown]
# Ten draws from N(5, 4), and the closed-form estimates.

# %%
# --8<-- [start:closed-form]
mu_true, var_true, n = 5.0, 4.0, 10
x = rng.normal(mu_true, np.sqrt(var_true), size=n)

mu_hat = x.sum() / n  # from ∂ log L / ∂μ = 0
var_hat = ((x - mu_hat) ** 2).sum() / n  # from ∂ log L / ∂σ² = 0: divides by n
print(f"mu_hat = {mu_hat:.4f}, var_hat = {var_hat:.4f}")
print(f"np.var(x) (ddof=0) = {np.var(x):.4f}, np.var(x, ddof=1) = {np.var(x, ddof=1):.4f}")
# --8<-- [end:closed-form]

# %% [markdown]
# Autograd confirms that both partial derivatives vanish there, and an optimiser
# started far away ends at the same point.

# %%
# --8<-- [start:gradient]
x_t = torch.tensor(x, device=device)


def log_likelihood(mu, var):
    return -0.5 * n * torch.log(2 * torch.pi * var) - ((x_t - mu) ** 2).sum() / (2 * var)


mu = torch.tensor(mu_hat, device=device, requires_grad=True)
var = torch.tensor(var_hat, device=device, requires_grad=True)
log_likelihood(mu, var).backward()
print(f"gradient at the closed form: d/dmu = {mu.grad.item():.1e}, d/dvar = {var.grad.item():.1e}")
# --8<-- [end:gradient]

# %%
# --8<-- [start:optimiser]
# the parameters are mu and log(var), so that var = exp(.) stays positive
params = torch.tensor([0.0, 0.0], dtype=torch.float64, device=device, requires_grad=True)
optimiser = torch.optim.LBFGS([params], max_iter=200, tolerance_grad=1e-12, tolerance_change=1e-14,
                              line_search_fn="strong_wolfe")


def negative_log_likelihood():
    optimiser.zero_grad()
    loss = -log_likelihood(params[0], params[1].exp())
    loss.backward()
    return loss


optimiser.step(negative_log_likelihood)
mu_opt, var_opt = params[0].item(), params[1].exp().item()
print(f"L-BFGS from (0, 1): mu = {mu_opt:.6f}, var = {var_opt:.6f}")
# --8<-- [end:optimiser]

# %% [markdown]
# The divide-by-(n − 1) variance is not the maximiser, and the MLE is biased on average.

# %%
# --8<-- [start:biased]
var_unbiased = np.var(x, ddof=1)
with torch.no_grad():
    ll_at_mle = log_likelihood(mu, var).item()  # mu, var hold the closed form
    ll_at_unbiased = log_likelihood(mu, torch.tensor(var_unbiased, device=device)).item()
print(f"log L at var_hat = {ll_at_mle:.4f} > log L at the n-1 estimate = {ll_at_unbiased:.4f}")

repeats = 100_000
samples = rng.normal(mu_true, np.sqrt(var_true), size=(repeats, n))
var_hats = samples.var(axis=1)  # the MLE of each sample
print(f"mean of var_hat over {repeats:,} samples = {var_hats.mean():.3f}; "
      f"(n-1)/n * sigma^2 = {(n - 1) / n * var_true:.3f}; sigma^2 = {var_true}")
# --8<-- [end:biased]

# %% [markdown]
# Invariance: maximising over σ instead of σ² gives √σ̂², and √σ̂² is biased low.

# %%
# --8<-- [start:invariance]
sigma_axis = np.linspace(0.5, 5.0, 45_001)  # step 1e-4
ll_sigma = -n * np.log(sigma_axis) - ((x - mu_hat) ** 2).sum() / (2 * sigma_axis**2)  # log L(x̄, σ) + const
sigma_grid = sigma_axis[np.argmax(ll_sigma)]
print(f"grid maximum over sigma: {sigma_grid:.4f}; sqrt(var_hat) = {np.sqrt(var_hat):.4f}")
sigma_hats = np.sqrt(var_hats)  # the MLE of sigma in each of the samples above
print(f"mean of sigma_hat over {repeats:,} samples = {sigma_hats.mean():.3f}; sigma = {np.sqrt(var_true)}")
# --8<-- [end:invariance]

# %% [markdown]
# Mean squared error is a Gaussian negative log-likelihood with a fixed σ: the two differ
# by a constant and a factor 1/(2σ²), so their gradients point the same way.

# %%
# --8<-- [start:mse]
prediction = torch.full_like(x_t, mu_true, requires_grad=True)  # a model that predicts 5 for every point
sigma = 1.5  # any fixed noise level
mse = F.mse_loss(prediction, x_t)
gaussian_nll = -torch.distributions.Normal(prediction, sigma).log_prob(x_t).mean()
torch_nll = F.gaussian_nll_loss(prediction, x_t, torch.full_like(x_t, sigma**2), full=True)
print(f"MSE = {mse.item():.6f}; Gaussian NLL = {gaussian_nll.item():.6f}, gaussian_nll_loss = {torch_nll.item():.6f}, "
      f"log(2 pi sigma^2)/2 + MSE/(2 sigma^2) = {0.5 * np.log(2 * np.pi * sigma**2) + mse.item() / (2 * sigma**2):.6f}")
mse_gradient, = torch.autograd.grad(mse, prediction)
nll_gradient, = torch.autograd.grad(gaussian_nll, prediction)
gradient_gap = (nll_gradient - mse_gradient / (2 * sigma**2)).abs().max().item()
print(f"largest |d NLL - d MSE / (2 sigma^2)| over the {n} predictions: {gradient_gap:.1e}")
# --8<-- [end:mse]

# %% [markdown]
# The log-likelihood surface over (μ, σ²): one peak, at the closed form.

# %%
TEXT = {
    "zh": {"title": "正态样本的对数似然 log L(μ, σ²)（n = 10）", "mu": "均值 μ", "var": "方差 σ²",
           "mle": "极大似然估计 (x̄, σ̂²)，除以 n", "unbiased": "(x̄, s²)，除以 n − 1"},
    "en": {"title": "Log-likelihood log L(μ, σ²) of a normal sample (n = 10)", "mu": "mean μ",
           "var": "variance σ²", "mle": "MLE (x̄, σ̂²), divides by n", "unbiased": "(x̄, s²), divides by n − 1"},
}[LANG]
mu_axis = np.linspace(mu_hat - 3, mu_hat + 3, 121)
var_axis = np.linspace(0.5, 12, 116)
mu_grid, var_grid = np.meshgrid(mu_axis, var_axis)
surface = (-0.5 * n * np.log(2 * np.pi * var_grid)
           - ((x[:, None, None] - mu_grid) ** 2).sum(axis=0) / (2 * var_grid))
fig, ax = plt.subplots(figsize=(6.4, 4.2))
levels = ll_at_mle - np.array([30, 20, 12, 8, 5, 3, 2, 1, 0.5, 0.2])
contours = ax.contour(mu_grid, var_grid, surface, levels=levels, cmap="viridis")
ax.clabel(contours, fmt="%.1f", fontsize=7)
ax.plot(mu_hat, var_hat, "r*", markersize=13, label=TEXT["mle"])
ax.plot(mu_hat, var_unbiased, "ko", markersize=6, label=TEXT["unbiased"])
ax.set(title=TEXT["title"], xlabel=TEXT["mu"], ylabel=TEXT["var"])
ax.legend(loc="upper right")
fig.tight_layout()
fig.savefig(OUT / "loglik_surface.svg")

# %%
numbers = {
    "n": n,
    "mu_true": mu_true,
    "var_true": var_true,
    "mu_hat": f"{mu_hat:.4f}",
    "var_hat": f"{var_hat:.4f}",
    "var_unbiased": f"{var_unbiased:.4f}",
    "grad_mu": f"{mu.grad.item():.1e}",
    "grad_var": f"{var.grad.item():.1e}",
    "mu_opt": f"{mu_opt:.4f}",
    "var_opt": f"{var_opt:.4f}",
    "ll_at_mle": f"{ll_at_mle:.4f}",
    "ll_at_unbiased": f"{ll_at_unbiased:.4f}",
    "repeats": f"{repeats:,}",
    "mean_var_hat": f"{var_hats.mean():.3f}",
    "theory_mean_var_hat": f"{(n - 1) / n * var_true:.3f}",
    "sigma_hat": f"{np.sqrt(var_hat):.4f}",
    "sigma_grid": f"{sigma_grid:.4f}",
    "sigma_true": f"{np.sqrt(var_true):g}",
    "mean_sigma_hat": f"{sigma_hats.mean():.3f}",
    "mse_sigma": sigma,
    "mse": f"{mse.item():.6f}",
    "gaussian_nll": f"{gaussian_nll.item():.6f}",
    "torch_nll": f"{torch_nll.item():.6f}",
    "nll_from_mse": f"{0.5 * np.log(2 * np.pi * sigma**2) + mse.item() / (2 * sigma**2):.6f}",
    "gradient_gap": f"{gradient_gap:.0e}",
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
