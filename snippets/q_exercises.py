"""Answers to the exercises of chapter 0, each computed.

1. D's loss at equilibrium, for the BCE sum and for least squares.
2. InfoNCE when every embedding has collapsed to the same vector.
3. The size of pix2pixHD's generator input for a Cityscapes label map.
4. recall@k of a retriever that ranks at random.
5. An order of the GAN calls that fails (the error itself is in q_gan_freeze).
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


# %%
# --8<-- [start:setup]
import math

import torch
import torch.nn.functional as F

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
numbers = {}
# --8<-- [end:setup]

# %% [markdown]
# Exercise 1: a D that outputs 1/2 on every sample.

# %%
# --8<-- [start:ex1]
half = torch.full((1000,), 0.5, device=device)  # D's output on every sample
ones, zeros = torch.ones_like(half), torch.zeros_like(half)
bce_sum = F.binary_cross_entropy(half, ones) + F.binary_cross_entropy(half, zeros)
least_squares = 0.5 * ((half - 1) ** 2).mean() + 0.5 * (half ** 2).mean()
print(f"BCE, real + fake: {bce_sum.item():.4f}  (2 ln 2 = {2 * math.log(2):.4f})")
print(f"least squares:    {least_squares.item():.4f}")
# --8<-- [end:ex1]
numbers["ex1_bce"] = f"{bce_sum.item():.4f}"
numbers["ex1_bce_half"] = f"{bce_sum.item() / 2:.4f}"
numbers["ex1_ls"] = f"{least_squares.item():.4f}"

# %% [markdown]
# Exercise 2: 256 anchors and 256 candidates, all the same unit vector.

# %%
# --8<-- [start:ex2]
collapsed = F.normalize(torch.ones(256, 32, device=device), dim=1)
for temperature in (1.0, 0.1, 0.01):
    logits = collapsed @ collapsed.T / temperature
    loss = F.cross_entropy(logits, torch.arange(256, device=device))
    print(f"τ = {temperature:<5} loss = {loss.item():.4f}",
          f"ln 256 = {math.log(256):.4f}")
# --8<-- [end:ex2]
numbers["ex2_loss"] = f"{loss.item():.4f}"
numbers["ex2_log256"] = f"{math.log(256):.4f}"

# %% [markdown]
# Exercise 3: pix2pixHD on Cityscapes: 35 label classes (its default `label_nc`),
# maps of 1024 × 2048 pixels, one boundary channel.

# %%
# --8<-- [start:ex3]
label_nc, height, width = 35, 1024, 2048
channels = label_nc + 1  # one-hot classes + instance boundary map
elements = channels * height * width
share_of_ones = 1 / label_nc  # one 1 per pixel among the 35 one-hot channels
print(f"input: (1, {channels}, {height}, {width}) = {elements:,} numbers")
print(f"{elements * 4 / 2**20:.0f} MiB in float32; ones in the one-hot part: "
      f"{share_of_ones:.1%}")
# --8<-- [end:ex3]
numbers["ex3_channels"] = channels
numbers["ex3_elements"] = f"{elements:,}"
numbers["ex3_mib"] = f"{elements * 4 / 2**20:.0f}"
numbers["ex3_share"] = f"{share_of_ones:.1%}"

# %% [markdown]
# Exercise 4: a gallery of 500, the true match in one place, a random ranking.

# %%
# --8<-- [start:ex4]
gallery, k, trials = 500, 10, 20000
rankings = torch.stack([torch.randperm(gallery, device=device)  # random orders
                        for _ in range(trials)])
hits = (rankings[:, :k] == 0).any(dim=1).float().mean().item()  # 0 is the match
print(f"simulated recall@{k} = {hits:.4f}   k/N = {k / gallery:.4f}")
# --8<-- [end:ex4]
numbers["ex4_simulated"] = f"{hits:.4f}"
numbers["ex4_formula"] = f"{k / gallery:.4f}"

# %% [markdown]
# Exercise 5 is answered by q_gan_freeze.py (the `orders` cell): D's step first with
# G's loss built on the old pass through D fails with the in-place error.

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
