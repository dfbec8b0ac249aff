"""A whole GAN training loop on 1-D data, with two optimizers and no freezing.

The target is a mixture of two normal distributions, at −2 and +2. Each
iteration takes one step for D (on `fake.detach()`), then one step for G
(through the updated D). At the end the samples of G cover both bumps, D
outputs about 1/2 on real and fake samples alike, and D's loss sits near
2·ln 2 ≈ 1.386: the loss of a discriminator that can no longer tell them apart.
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
import torch
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
torch.set_num_threads(1)  # tiny networks: extra CPU threads cost more than they save

# %%
noise_dim, batch, steps = 4, 128, 2000


def mlp(n_in, n_out):
    return nn.Sequential(nn.Linear(n_in, 32), nn.LeakyReLU(0.2),
                         nn.Linear(32, 32), nn.LeakyReLU(0.2), nn.Linear(32, n_out)).to(device)


def real_batch(n):  # the target: two bumps, at -2 and +2, standard deviation 0.5
    side = torch.randint(0, 2, (n, 1), device=device) * 2.0 - 1.0
    return 2.0 * side + 0.5 * torch.randn(n, 1, device=device)


bce = nn.BCEWithLogitsLoss()
ones = torch.ones(batch, 1, device=device)
zeros = torch.zeros(batch, 1, device=device)


def new_gan():
    """A fresh G and D, each with its own Adam optimizer."""
    G, D = mlp(noise_dim, 1), mlp(1, 1)
    opt_G = torch.optim.Adam(G.parameters(), lr=1e-3, betas=(0.5, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=1e-3, betas=(0.5, 0.999))
    return G, D, opt_G, opt_D


def sample(G, n=20000):
    with torch.no_grad():
        return G(torch.randn(n, noise_dim, device=device)).cpu().numpy().ravel()


G, D, opt_G, opt_D = new_gan()
samples_before = sample(G, 5000)
# --8<-- [end:setup]

# %% [markdown]
# The loop: D's zero_grad, backward, step; then G's. Nothing is frozen.

# %%
# --8<-- [start:loop]
def train(G, D, opt_G, opt_D):
    history = {"loss_D": [], "loss_G": [], "D_real": [], "D_fake": []}
    for step in range(steps):
        real = real_batch(batch)
        fake = G(torch.randn(batch, noise_dim, device=device))

        D_on_real = D(real)
        loss_D = bce(D_on_real, ones) + bce(D(fake.detach()), zeros)  # real 1, fake 0
        opt_D.zero_grad()
        loss_D.backward()
        opt_D.step()

        D_on_fake = D(fake)  # a fresh pass through the updated D
        loss_G = bce(D_on_fake, ones)  # non-saturating: G wants D(fake) -> 1
        opt_G.zero_grad()  # D's .grad is cleared by opt_D.zero_grad() next time
        loss_G.backward()
        opt_G.step()

        history["loss_D"].append(loss_D.item())
        history["loss_G"].append(loss_G.item())
        history["D_fake"].append(torch.sigmoid(D_on_fake).mean().item())
        history["D_real"].append(torch.sigmoid(D_on_real).mean().item())
    return history


history = train(G, D, opt_G, opt_D)
# --8<-- [end:loop]

# %% [markdown]
# What G has learned: its samples split at 0 into the two bumps, each against the target's
# mean ±2 and standard deviation 0.5.

# %%
# --8<-- [start:samples]
def bumps(samples):
    right = samples > 0
    return {"share_right": right.mean(), "mean_left": samples[~right].mean(), "mean_right": samples[right].mean(),
            "std_left": samples[~right].std(), "std_right": samples[right].std()}


samples = sample(G)
learned = bumps(samples)
print(", ".join(f"{name} {value:.2f}" for name, value in learned.items()))
# --8<-- [end:samples]

# %% [markdown]
# Averages over the last 500 steps, against the values of a D that outputs 1/2 everywhere.

# %%
# --8<-- [start:equilibrium]
last = {name: float(np.mean(v[-500:])) for name, v in history.items()}
print(f"D's loss: {last['loss_D']:.3f}   2·ln 2 = {2 * math.log(2):.3f}")
print(f"G's loss: {last['loss_G']:.3f}   ln 2   = {math.log(2):.3f}")
print(f"mean D(real) = {last['D_real']:.3f}, D(fake) = {last['D_fake']:.3f}")
# --8<-- [end:equilibrium]

# %% [markdown]
# The same loop from three more seeds: does D's loss end near 2·ln 2 every time, and does
# G then always learn the same distribution?

# %%
# --8<-- [start:seeds]
runs = {0: {"loss_D": last["loss_D"], **learned}}
for seed in (1, 2, 3):
    torch.manual_seed(seed)
    G_seed, D_seed, opt_G_seed, opt_D_seed = new_gan()
    history_seed = train(G_seed, D_seed, opt_G_seed, opt_D_seed)
    runs[seed] = {"loss_D": np.mean(history_seed["loss_D"][-500:]), **bumps(sample(G_seed))}
print("seed  loss_D  share_right  mean_left  mean_right  std_left  std_right")
for seed, run in runs.items():
    print(f"{seed:>4}  " + "  ".join(f"{value:{len(name)}.3f}" for name, value in run.items()))
# --8<-- [end:seeds]

# %% [markdown]
# The learned distribution against the target, and the two losses during training.

# %%
TEXT = {
    "zh": {"dist": "生成器的样本与目标分布", "target": "目标分布的密度", "before": "训练前 G 的样本",
           "after": f"训练 {steps} 步后 G 的样本", "x": "x", "density": "密度",
           "losses": "训练中的损失（50 步滑动平均）", "step": "训练步数", "loss": "损失",
           "loss_D": "D 的损失", "loss_G": "G 的损失", "2ln2": "2·ln 2 ≈ 1.386", "ln2": "ln 2 ≈ 0.693"},
    "en": {"dist": "Samples of G against the target", "target": "target density", "before": "G before training",
           "after": f"G after {steps} steps", "x": "x", "density": "density",
           "losses": "Losses (moving average over 50 steps)", "step": "step", "loss": "loss",
           "loss_D": "loss of D", "loss_G": "loss of G", "2ln2": "2·ln 2 ≈ 1.386", "ln2": "ln 2 ≈ 0.693"},
}[LANG]
fig, (ax_dist, ax_loss) = plt.subplots(1, 2, figsize=(8.6, 3.5))
grid = np.linspace(-4.5, 4.5, 400)
target_density = 0.5 * sum(np.exp(-0.5 * ((grid - m) / 0.5) ** 2) / (0.5 * np.sqrt(2 * np.pi)) for m in (-2, 2))
bins = np.linspace(-4.5, 4.5, 61)
ax_dist.hist(samples_before, bins=bins, density=True, alpha=0.45, color="C7", label=TEXT["before"])
ax_dist.hist(samples, bins=bins, density=True, alpha=0.6, color="C0", label=TEXT["after"])
ax_dist.plot(grid, target_density, color="black", label=TEXT["target"])
ax_dist.set(title=TEXT["dist"], xlabel=TEXT["x"], ylabel=TEXT["density"], ylim=(0, 1.0))
ax_dist.legend(fontsize=8, loc="upper left")

window = np.ones(50) / 50
for name, color in (("loss_D", "C3"), ("loss_G", "C2")):
    smooth = np.convolve(history[name], window, mode="valid")
    ax_loss.plot(np.arange(len(smooth))[::5], smooth[::5], color=color, label=TEXT[name])
ax_loss.axhline(2 * math.log(2), color="C3", linestyle="--", linewidth=1, label=TEXT["2ln2"])
ax_loss.axhline(math.log(2), color="C2", linestyle="--", linewidth=1, label=TEXT["ln2"])
ax_loss.set(title=TEXT["losses"], xlabel=TEXT["step"], ylabel=TEXT["loss"])
ax_loss.legend(fontsize=8, ncol=2)
fig.tight_layout()
fig.savefig(OUT / "gan_1d.svg")

# %%
numbers = {
    "steps": f"{steps:,}",
    "batch": batch,
    "loss_D_last": f"{last['loss_D']:.3f}",
    "loss_G_last": f"{last['loss_G']:.3f}",
    "D_real_last": f"{last['D_real']:.3f}",
    "D_fake_last": f"{last['D_fake']:.3f}",
    "two_ln2": f"{2 * math.log(2):.3f}",
    "ln2": f"{math.log(2):.3f}",
    **{name: f"{value:.2f}" for name, value in learned.items()},
    "seeds": len(runs),
    "seed_loss_D_max_gap": f"{max(abs(run['loss_D'] - 2 * math.log(2)) for run in runs.values()):.3f}",
    "seed_share_min": f"{min(run['share_right'] for run in runs.values()):.2f}",
    "seed_share_max": f"{max(run['share_right'] for run in runs.values()):.2f}",
    "seed_mean_min": f"{min(min(-run['mean_left'], run['mean_right']) for run in runs.values()):.2f}",
    "seed_mean_max": f"{max(max(-run['mean_left'], run['mean_right']) for run in runs.values()):.2f}",
    "seed_std_min": f"{min(min(run['std_left'], run['std_right']) for run in runs.values()):.2f}",
    "seed_std_max": f"{max(max(run['std_left'], run['std_right']) for run in runs.values()):.2f}",
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
