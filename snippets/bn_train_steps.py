"""Training a GAN with two optimizers: zero_grad, backward, step, once for G and once for D.

Each optimizer holds only its own network's parameters. The generator's loss
back-propagates through the discriminator too and leaves gradients in D's
.grad, but opt_G.step() changes G alone, and opt_D.zero_grad() clears those
gradients before D's own backward. So D need not be frozen while G trains.
The toy data: points in the plane around (2, −1); G turns noise into points.
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
# Two tiny networks, and one optimizer for each, built from that network's parameters only.
# A freshly built module is already in train mode.

# %%
G = nn.Sequential(nn.Linear(2, 32), nn.BatchNorm1d(32), nn.ReLU(),
                  nn.Linear(32, 2)).to(device)
D = nn.Sequential(nn.Linear(2, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1)).to(device)
opt_G = torch.optim.Adam(G.parameters(), lr=5e-4, betas=(0.5, 0.999))
opt_D = torch.optim.Adam(D.parameters(), lr=5e-4, betas=(0.5, 0.999))
bce = nn.BCEWithLogitsLoss()
centre = torch.tensor([2.0, -1.0], device=device)

def real_batch(n=64):
    return centre + 0.5 * torch.randn(n, 2, device=device)

print("new G in train mode:", G.training)
# --8<-- [end:setup]

# %% [markdown]
# One training step, G first and then D, each with zero_grad → backward → step. The first
# step also records what G's backward left in D and what G's step changed.

# %%
# --8<-- [start:step]
def train_step(record=None):
    G.train()  # needed only if G was switched to eval() somewhere, e.g. to evaluate
    z = torch.randn(64, 2, device=device)
    fake = G(z)

    # G: make D call the fakes real
    loss_G = bce(D(fake), torch.ones(64, 1, device=device))
    opt_G.zero_grad()
    loss_G.backward()  # fills .grad of G's parameters, and of D's as well
    d_before = [p.clone() for p in D.parameters()]
    opt_G.step()  # changes G's parameters only
    if record is not None:
        record["d_grad_after_G"] = max(p.grad.abs().max().item() for p in D.parameters())
        changes = [(p - b).abs().max().item() for p, b in zip(D.parameters(), d_before)]
        record["d_change_by_opt_G"] = max(changes)

    # D: tell real from fake; detach() keeps this backward out of G
    loss_D = (bce(D(real_batch()), torch.ones(64, 1, device=device))
              + bce(D(fake.detach()), torch.zeros(64, 1, device=device)))
    opt_D.zero_grad()  # clears what loss_G.backward() left in D's .grad
    loss_D.backward()
    opt_D.step()
    return loss_G.item(), loss_D.item()
# --8<-- [end:step]

# %% [markdown]
# Train, and look at G's samples (in eval mode) before and after.

# %%
# --8<-- [start:train]
def samples(n=500):
    G.eval()
    with torch.no_grad():
        points = G(torch.randn(n, 2, device=device))
    G.train()
    return points

before = samples()
record = {}
train_step(record)
print(f"after loss_G.backward(): largest |grad| in D = {record['d_grad_after_G']:.2e}")
print(f"D's parameters changed by opt_G.step(): {record['d_change_by_opt_G']:.1e}")
steps = 2000
for step in range(1, steps):  # the first step was above
    loss_G, loss_D = train_step()
after = samples()
print("real centre:", centre.cpu().numpy())
print("G's sample mean before:", before.mean(0).cpu().numpy().round(2))
print("G's sample mean after: ", after.mean(0).cpu().numpy().round(2))
# --8<-- [end:train]
distance_before = (before.mean(0) - centre).norm().item()
distance_after = (after.mean(0) - centre).norm().item()

# %%
TEXT = {
    "zh": {"title": "生成器的样本：训练前后", "real": "真实数据", "before": "训练前的 G", "after": "训练后的 G"},
    "en": {"title": "The generator's samples before and after training", "real": "real data",
           "before": "G before training", "after": "G after training"},
}[LANG]
fig, ax = plt.subplots(figsize=(5, 4.2))
real = real_batch(500).cpu().numpy()
ax.scatter(real[:, 0], real[:, 1], s=6, alpha=0.5, label=TEXT["real"], rasterized=True)
ax.scatter(before[:, 0].cpu(), before[:, 1].cpu(), s=6, alpha=0.5, label=TEXT["before"], rasterized=True)
ax.scatter(after[:, 0].cpu(), after[:, 1].cpu(), s=6, alpha=0.5, label=TEXT["after"], rasterized=True)
ax.set(title=TEXT["title"], aspect="equal")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(OUT / "gan_samples.svg")

# %%
numbers = {
    "d_grad_after_G": f"{record['d_grad_after_G']:.2e}",
    "d_change_by_opt_G": f"{record['d_change_by_opt_G']:.1e}",
    "steps": steps,
    "distance_before": f"{distance_before:.2f}",
    "distance_after": f"{distance_after:.2f}",
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
