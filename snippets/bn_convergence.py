"""Does BatchNorm speed up training? The same network with and without it, on the same data.

Four ReLU layers classify synthetic points whose 16 features have different
scales and offsets, as raw features often do. Each network is trained with
plain SGD from three seeds, once at a small learning rate and once at a ten
times larger one, and the training loss is recorded at every step. This is one
task and one architecture: it shows what happens here, not a general law.
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
import torch
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)

# %% [markdown]
# The data: 2048 points with 16 features of unequal scale and offset; the label says which
# of two kinds of parallel stripes a point lies in (the sign of sin(w·x / 4), w fixed).

# %%
features = torch.randn(2048, 16) * torch.linspace(0.2, 3.0, 16) + torch.linspace(-2.0, 2.0, 16)
labels = (torch.sin(features @ torch.randn(16) / 4) > 0).long()
features, labels = features.to(device), labels.to(device)

def make_net(with_bn, width=64, depth=4):
    layers, size = [], features.shape[1]
    for _ in range(depth):
        layers.append(nn.Linear(size, width))
        if with_bn:
            layers.append(nn.BatchNorm1d(width))  # between the linear layer and ReLU
        layers.append(nn.ReLU())
        size = width
    layers.append(nn.Linear(size, 2))
    return nn.Sequential(*layers).to(device)

def train(with_bn, lr, seed, steps=200, batch_size=64):
    torch.manual_seed(seed)  # the same seed gives both networks the same batches
    net = make_net(with_bn)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        pick = torch.randint(0, len(features), (batch_size,)).to(device)
        loss = nn.functional.cross_entropy(net(features[pick]), labels[pick])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
# --8<-- [end:setup]

# %% [markdown]
# Both networks at two learning rates, three seeds each. The number printed is the mean
# training loss over the last 50 steps (a loss of ln 2 ≈ 0.69 is what guessing gives).

# %%
# --8<-- [start:train]
rates, seeds = (0.1, 1.0), (0, 1, 2)
curves, final = {}, {}
for lr in rates:
    for with_bn in (False, True):
        runs = [train(with_bn, lr, seed) for seed in seeds]
        curves[lr, with_bn] = runs
        final[lr, with_bn] = [sum(run[-50:]) / 50 for run in runs]
        name = "with BN   " if with_bn else "without BN"
        print(f"lr = {lr}: {name} loss over the last 50 steps, per seed:",
              [round(value, 3) for value in final[lr, with_bn]])
# --8<-- [end:train]

# %% [markdown]
# The loss curves, each smoothed over 10 steps; one thin line per seed.

# %%
TEXT = {
    "zh": {"title": "学习率 {lr}", "step": "训练步数", "loss": "训练损失（10 步滑动平均）",
           "plain": "无 BN", "bn": "有 BN", "guess": "随机猜测 ln 2"},
    "en": {"title": "learning rate {lr}", "step": "training step", "loss": "training loss (mean over 10 steps)",
           "plain": "without BN", "bn": "with BN", "guess": "guessing, ln 2"},
}[LANG]

def smooth(values, k=10):
    return [sum(values[i - k:i]) / k for i in range(k, len(values) + 1)]

fig, axes = plt.subplots(1, 2, figsize=(8.2, 3.4), sharey=True)
for ax, lr in zip(axes, rates):
    for with_bn, colour in ((False, "C0"), (True, "C1")):
        for i, run in enumerate(curves[lr, with_bn]):
            ax.plot(range(10, len(run) + 1), smooth(run), color=colour, linewidth=1.3,
                    label=TEXT["bn" if with_bn else "plain"] if i == 0 else None)
    ax.axhline(0.6931, color="grey", linestyle=":", label=TEXT["guess"])
    ax.set(title=TEXT["title"].format(lr=lr), xlabel=TEXT["step"], ylim=(0, 1.5))
axes[0].set_ylabel(TEXT["loss"])
axes[0].legend(fontsize=8)
fig.tight_layout()
fig.savefig(OUT / "loss_curves.svg")

# %%
def span(values):
    return f"{min(values):.2f}–{max(values):.2f}"

numbers = {
    "n_seeds": len(seeds),
    "lr_low": rates[0],
    "lr_high": rates[1],
    "final_plain_low": span(final[rates[0], False]),
    "final_bn_low": span(final[rates[0], True]),
    "final_plain_high": span(final[rates[1], False]),
    "final_bn_high": span(final[rates[1], True]),
    "final": {f"{lr}_{'bn' if bn else 'plain'}": values for (lr, bn), values in final.items()},
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
