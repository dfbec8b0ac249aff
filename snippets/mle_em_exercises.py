"""Answers to the exercises of chapter 3, each computed two ways where it can be.

1. The MLE of a Poisson rate. 2. A Bernoulli sample with no successes: the
maximum sits on the boundary, where the derivative is not zero. 3. One
responsibility, the sigmoid of a log-ratio. 4. EM for the mixing weight alone,
against a grid. 5. An M-step with hard 0/1 responsibilities divides by n, like np.var.
"""

# %% [markdown]
# The site's bookkeeping, which a reader can skip: the language of the figure labels
# and the folder that the figures and numbers.json go to.

# %%
import json
import os
from pathlib import Path

import matplotlib

LANG = os.environ.get("SNIPPET_LANG", "en")  # no figures here; kept for the contract
OUT = Path(os.environ.get("SNIPPET_OUT", "out"))  # where numbers.json goes
OUT.mkdir(parents=True, exist_ok=True)


# %%
# --8<-- [start:setup]
import numpy as np

rng = np.random.default_rng(0)
numbers = {}
# --8<-- [end:setup]

# %% [markdown]
# Exercise 1: counts per day from a Poisson(λ); log L(λ) = Σ x_i log λ − nλ − Σ log x_i!.

# %%
# --8<-- [start:poisson]
counts = np.array([2, 0, 3, 1, 4, 2, 1, 3, 2, 5])
lam_closed_form = counts.mean()  # d/dλ log L = Σx_i/λ − n = 0
lam_grid = np.linspace(0.01, 10, 99_901)  # step 1e-4
log_lik = counts.sum() * np.log(lam_grid) - counts.size * lam_grid  # the constant Σ log x_i! dropped
print(f"closed form {lam_closed_form}, grid maximum {lam_grid[np.argmax(log_lik)]:.4f}")
# --8<-- [end:poisson]
numbers.update(poisson_counts=", ".join(map(str, counts)), poisson_n=counts.size, poisson_sum=int(counts.sum()),
               poisson_lambda=f"{lam_closed_form:.1f}", poisson_grid=f"{lam_grid[np.argmax(log_lik)]:.4f}")

# %% [markdown]
# Exercise 2: 0 heads in 5 tosses. log L(p) = 5 log(1 − p) falls on all of [0, 1).

# %%
# --8<-- [start:boundary]
n_tosses = 5
p_grid = np.linspace(0, 0.999, 1000)
log_lik = n_tosses * np.log1p(-p_grid)  # k = 0: log L(p) = n log(1 − p)
slope_at_zero = -n_tosses / (1 - 0.0)  # d/dp log L = −n/(1 − p) at p = 0
print(f"grid maximum at p = {p_grid[np.argmax(log_lik)]}, slope there = {slope_at_zero}, L(0) = {np.exp(log_lik[0])}")
# --8<-- [end:boundary]
numbers.update(zero_n=n_tosses, zero_p_hat=f"{p_grid[np.argmax(log_lik)]:.0f}", zero_slope=f"{slope_at_zero:.0f}")

# %% [markdown]
# Exercise 3: the responsibility of component 2 for x = 1 is the sigmoid of
# log(π_2 N(x | μ_2, σ_2²)) − log(π_1 N(x | μ_1, σ_1²)), whatever the weights and variances.

# %%
# --8<-- [start:responsibility]
def normal_pdf(x, mean, variance):
    return np.exp(-0.5 * (x - mean) ** 2 / variance) / np.sqrt(2 * np.pi * variance)


def responsibility_2(x, weights, means, variances):
    """r_2 from its definition, and as the sigmoid of the log-ratio of π_k N(x | μ_k, σ_k²)."""
    joint = weights * normal_pdf(x, means, variances)  # π_1 N_1, π_2 N_2
    log_ratio = np.log(joint[1]) - np.log(joint[0])
    return joint[1] / joint.sum(), 1 / (1 + np.exp(-log_ratio)), log_ratio


means = np.array([0.0, 3.0])
resp_cases = {}
for weights, variances in (((0.5, 0.5), (1.0, 1.0)), ((0.7, 0.3), (1.0, 4.0))):
    direct, sigmoid, log_ratio = responsibility_2(1.0, np.array(weights), means, np.array(variances))
    resp_cases[weights] = (direct, log_ratio)
    print(f"weights {weights}, variances {variances}: log-ratio {log_ratio:.4f}, "
          f"r_2 = {direct:.4f} (definition) = {sigmoid:.4f} (sigmoid)")
# --8<-- [end:responsibility]
numbers.update(resp_log_ratio=f"{resp_cases[0.5, 0.5][1]:.1f}", resp=f"{resp_cases[0.5, 0.5][0]:.3f}",
               resp2_log_ratio=f"{resp_cases[0.7, 0.3][1]:.3f}", resp2=f"{resp_cases[0.7, 0.3][0]:.3f}")

# %% [markdown]
# Exercise 4: the components are known, N(0, 1) and N(3, 1); only the weight π of the
# second is unknown. EM's update is π ← mean of the responsibilities.

# %%
# --8<-- [start:weight]
pi_true, n = 0.3, 200
x = np.where(rng.random(n) < pi_true, rng.normal(3.0, 1.0, n), rng.normal(0.0, 1.0, n))
f0, f1 = (np.exp(-0.5 * (x - m) ** 2) / np.sqrt(2 * np.pi) for m in (0.0, 3.0))

pi, iterations = 0.5, 0
while True:
    r = pi * f1 / (pi * f1 + (1 - pi) * f0)  # E-step
    pi_new = r.mean()  # M-step: the weighted MLE of a weight
    iterations += 1
    if abs(pi_new - pi) < 1e-12:
        break
    pi = pi_new

grid = np.linspace(0.0005, 0.9995, 19_981)  # step 5e-5
grid_log_lik = np.log(np.outer(grid, f1) + np.outer(1 - grid, f0)).sum(axis=1)
print(f"EM: pi = {pi_new:.5f} after {iterations} iterations; "
      f"grid maximum: {grid[np.argmax(grid_log_lik)]:.5f}")
# --8<-- [end:weight]
numbers.update(weight_n=n, weight_true=pi_true, weight_em=f"{pi_new:.4f}", weight_iterations=iterations,
               weight_grid=f"{grid[np.argmax(grid_log_lik)]:.4f}")

# %% [markdown]
# Exercise 5: with hard responsibilities (r_ik = 1 if point i belongs to component k,
# else 0) the M-step's variance of each component is np.var (ddof=0) of its points.

# %%
# --8<-- [start:hard]
points = np.concatenate([rng.normal(0.0, 1.0, 5), rng.normal(6.0, 2.0, 7)])
groups = np.array([0] * 5 + [1] * 7)
r_hard = np.eye(2)[groups]  # one-hot rows: (12, 2)
counts = r_hard.sum(axis=0)
means = (r_hard * points[:, None]).sum(axis=0) / counts
m_step_vars = (r_hard * (points[:, None] - means) ** 2).sum(axis=0) / counts
by_numpy = [np.var(points[groups == k]) for k in (0, 1)]
by_numpy_ddof1 = [np.var(points[groups == k], ddof=1) for k in (0, 1)]
print(f"M-step variances {m_step_vars.round(4)}, np.var {np.round(by_numpy, 4)}, ddof=1 {np.round(by_numpy_ddof1, 4)}")
# --8<-- [end:hard]
numbers.update(hard_var=", ".join(f"{v:.4f}" for v in m_step_vars),
               hard_var_ddof0=", ".join(f"{v:.4f}" for v in by_numpy),
               hard_var_ddof1=", ".join(f"{v:.4f}" for v in by_numpy_ddof1))

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
