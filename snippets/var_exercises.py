"""The chapter's exercises, each answer computed and checked by simulation.

1. Var(2X − 3Y + 1) for independent X, Y.
2. What np.std and torch.std return for the same eight numbers.
3. The variance of the mean of n equally correlated variables.
4. The divisor when the true mean μ is known.
5. The factor between running_var and the normalising variance in BatchNorm2d.
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
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
rng = np.random.default_rng(3)
torch.manual_seed(3)
repeats = 200_000
numbers = {"repeats": f"{repeats:,}"}
# --8<-- [end:setup]

# %% [markdown]
# Exercise 1. Var(aX + bY + c) = a²Var X + b²Var Y for independent X, Y: the
# constant shifts, it does not spread, and the minus sign is squared away.

# %%
# --8<-- [start:ex1]
var_x, var_y = 1.0, 4.0
x = rng.normal(scale=np.sqrt(var_x), size=repeats)
half_width = np.sqrt(3 * var_y)  # a uniform on [-a, a] has variance a²/3
y = rng.uniform(-half_width, half_width, size=repeats)
combo = 2 * x - 3 * y + 1
theory = 2**2 * var_x + 3**2 * var_y
print(f"theory {theory:g}, simulated {combo.var():.2f}")
# --8<-- [end:ex1]
numbers.update(ex1_var_x=f"{var_x:g}", ex1_var_y=f"{var_y:g}",
               ex1_theory=f"{theory:g}", ex1_mc=f"{combo.var():.2f}",
               ex1_wrong=f"{2 * var_x - 3 * var_y:g}")

# %% [markdown]
# Exercise 2. The same data, two libraries, two answers.

# %%
# --8<-- [start:ex2]
data = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
numpy_std = np.std(data)  # divides by n = 8
torch_std = torch.std(torch.tensor(data, device=device)).item()  # by n − 1
print(f"np.std: {numpy_std:.4f}, torch.std: {torch_std:.4f}")
print(f"ratio {torch_std / numpy_std:.4f}, sqrt(8/7) = {np.sqrt(8 / 7):.4f}")
# --8<-- [end:ex2]
numbers.update(ex2_data=", ".join(f"{v:g}" for v in data),
               ex2_numpy=f"{numpy_std:.4f}", ex2_torch=f"{torch_std:.4f}",
               ex2_ratio=f"{torch_std / numpy_std:.4f}", ex2_sqrt=f"{np.sqrt(8 / 7):.4f}",
               ex2_mean=f"{np.mean(data):g}",
               ex2_q=f"{np.sum((np.array(data) - np.mean(data)) ** 2):g}")

# %% [markdown]
# Exercise 3. n variables with variance σ² and every pairwise correlation ρ:
# Var(X̄) = σ²/n + (n − 1)ρσ²/n, which tends to ρσ², not to 0.

# %%
# --8<-- [start:ex3]
n, rho, sigma2 = 100, 0.1, 1.0
shared = rng.normal(size=(50_000, 1))  # the common part: correlation ρ
own = rng.normal(size=(50_000, n))
draws = np.sqrt(sigma2) * (np.sqrt(rho) * shared + np.sqrt(1 - rho) * own)
var_of_mean = draws.mean(axis=1).var()
theory = sigma2 / n + (n - 1) * rho * sigma2 / n
print(f"Var(mean): simulated {var_of_mean:.4f}, theory {theory:.4f}, "
      f"if independent {sigma2 / n:.4f}")
# --8<-- [end:ex3]
numbers.update(ex3_n=n, ex3_rho=f"{rho:g}", ex3_sigma2=f"{sigma2:g}",
               ex3_mc=f"{var_of_mean:.4f}", ex3_theory=f"{theory:.4f}",
               ex3_independent=f"{sigma2 / n:.4f}", ex3_limit=f"{rho * sigma2:g}")

# %% [markdown]
# Exercise 4. With the true mean μ known, nothing is estimated from the data
# before the squares are taken: Σ(X_i − μ)²/n is already unbiased.

# %%
# --8<-- [start:ex4]
mu, sigma2, n = 1.0, 4.0, 5
samples = rng.normal(loc=mu, scale=np.sqrt(sigma2), size=(repeats, n))
known_mu = ((samples - mu) ** 2).mean(axis=1)  # divide by n, around μ
around_mean = samples.var(axis=1)  # divide by n, around X̄
print(f"E[Σ(X−μ)²/n] = {known_mu.mean():.3f}, "
      f"E[Σ(X−X̄)²/n] = {around_mean.mean():.3f}, σ² = {sigma2:g}")
# --8<-- [end:ex4]
numbers.update(ex4_known=f"{known_mu.mean():.3f}", ex4_n=n, ex4_sigma2=f"{sigma2:g}",
               ex4_around_mean=f"{around_mean.mean():.3f}")

# %% [markdown]
# Exercise 5. BatchNorm2d on a (8, 3, 4, 5) batch averages m = 8·4·5 values
# per channel; with momentum=1.0 running_var is exactly this batch's unbiased
# variance, m/(m − 1) times the variance used to normalise.

# %%
# --8<-- [start:ex5]
batch = torch.randn(8, 3, 4, 5, device=device) * 2 + 1
bn = nn.BatchNorm2d(3, momentum=1.0).to(device)  # keeps only the last batch
with torch.no_grad():
    bn(batch)
biased = batch.var(dim=(0, 2, 3), correction=0)  # used to normalise
m = batch.numel() // batch.shape[1]  # values per channel
ratio = (bn.running_var / biased).cpu().numpy()
print("running_var / biased variance:", ratio.round(5))
print(f"m/(m−1) = {m}/{m - 1} = {m / (m - 1):.5f}")
# --8<-- [end:ex5]
numbers.update(ex5_m=m, ex5_m1=m - 1, ex5_ratio=f"{ratio.mean():.5f}",
               ex5_theory=f"{m / (m - 1):.5f}")

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
