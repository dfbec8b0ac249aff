"""The losses of the papers, each computed on small tensors.

Adversarial losses (the original minimax and non-saturating forms, least
squares, hinge), L1 and L2 reconstruction, pix2pixHD's feature-matching loss,
the perceptual (VGG feature) loss and InfoNCE. No pretrained VGG weights can be
downloaded here, so the perceptual loss runs on a small conv net with random
weights: the computation is the real one, the values are not what VGG gives.
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
import torch
import torch.nn.functional as F
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
numbers = {}
# --8<-- [end:setup]

# %% [markdown]
# D's raw outputs (logits / scores) on four real and four generated samples.

# %%
# --8<-- [start:adversarial]
d_real = torch.tensor([1.2, 0.8, 0.3, 1.5], device=device)  # D on real samples
d_fake = torch.tensor([-0.5, 0.2, -1.0, 0.6], device=device)  # D on generated ones
bce = F.binary_cross_entropy_with_logits  # D(x) = sigmoid(raw output)
one, zero = torch.ones_like(d_real), torch.zeros_like(d_real)

adversarial = {
    # original GAN (Goodfellow et al. 2014)
    "gan_D": bce(d_real, one) + bce(d_fake, zero),  # -ln D(x) - ln(1 - D(G(z)))
    "gan_G_minimax": torch.log(1 - torch.sigmoid(d_fake)).mean(),  # saturates
    "gan_G_nonsat": bce(d_fake, one),  # -ln D(G(z))
    # least squares (Mao et al. 2017): targets 1 (real) and 0 (fake), no sigmoid
    "lsgan_D": 0.5 * ((d_real - 1) ** 2).mean() + 0.5 * (d_fake ** 2).mean(),
    "lsgan_G": 0.5 * ((d_fake - 1) ** 2).mean(),
    # hinge (Lim & Ye 2017; SAGAN, BigGAN, SPADE)
    "hinge_D": F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean(),
    "hinge_G": -d_fake.mean(),
}
for name, value in adversarial.items():
    print(f"{name:14} {value.item():8.4f}")
# --8<-- [end:adversarial]
for name, value in adversarial.items():
    numbers[name] = f"{value.item():.4f}"

# %% [markdown]
# Why the non-saturating form: the gradient G receives through a fake that D rejects
# with confidence (logit −5, D = 0.0067).

# %%
# --8<-- [start:saturation]
logit = torch.tensor(-5.0, device=device, requires_grad=True)
(grad_minimax,) = torch.autograd.grad(torch.log(1 - torch.sigmoid(logit)), logit)
(grad_nonsat,) = torch.autograd.grad(-torch.log(torch.sigmoid(logit)), logit)
print(f"D(G(z)) = {torch.sigmoid(logit).item():.4f}")
print(f"d/dlogit of ln(1 - D): {grad_minimax.item():+.4f}  (minimax)")
print(f"d/dlogit of -ln D:     {grad_nonsat.item():+.4f}  (non-saturating)")
# --8<-- [end:saturation]
numbers["sat_D"] = f"{torch.sigmoid(logit).item():.4f}"
numbers["sat_grad_minimax"] = f"{grad_minimax.item():+.4f}"
numbers["sat_grad_nonsat"] = f"{grad_nonsat.item():+.4f}"

# %%
TEXT = {
    "zh": {"loss": "G 的对抗损失", "grad": "梯度的绝对值 |∂损失/∂s|", "x": "D 对生成样本的原始输出 s（logit 或分数）",
           "minimax": "原始 minimax：ln(1 − σ(s))", "nonsat": "非饱和：−ln σ(s)",
           "ls": "最小二乘：½(s − 1)²", "hinge": "hinge：−s"},
    "en": {"loss": "G's adversarial loss", "grad": "absolute gradient |∂loss/∂s|", "x": "D's raw output on a fake (logit or score) s",
           "minimax": "original minimax: ln(1 − σ(s))", "nonsat": "non-saturating: −ln σ(s)",
           "ls": "least squares: ½(s − 1)²", "hinge": "hinge: −s"},
}[LANG]
s = torch.linspace(-6, 4, 201, requires_grad=True)
curves = {
    "minimax": torch.log(1 - torch.sigmoid(s)),
    "nonsat": -torch.log(torch.sigmoid(s)),
    "ls": 0.5 * (s - 1) ** 2,
    "hinge": -s,
}
fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(8.6, 3.5))
for name, curve in curves.items():
    (grad,) = torch.autograd.grad(curve.sum(), s)
    style = "--" if name == "hinge" else "-"
    x = s.detach().cpu().numpy()
    ax_loss.plot(x, curve.detach().cpu().numpy(), linestyle=style, label=TEXT[name])
    ax_grad.plot(x, grad.abs().cpu().numpy(), linestyle=style, label=TEXT[name])
ax_loss.set(title=TEXT["loss"], xlabel=TEXT["x"], ylim=(-6, 8))
ax_grad.set(title=TEXT["grad"], xlabel=TEXT["x"], ylim=(0, 4))
ax_loss.legend(fontsize=8)
for ax in (ax_loss, ax_grad):
    ax.axvline(0, color="gray", linewidth=0.5)
fig.tight_layout()
fig.savefig(OUT / "adversarial.svg")

# %% [markdown]
# L1 and L2 between an image and its reconstruction, and the constant each one picks
# when a pixel is 0 in 70 % of the training pairs and 1 in 30 %.

# %%
# --8<-- [start:l1_l2]
target = torch.rand(1, 3, 16, 16, device=device)
output = target + 0.1 * torch.randn_like(target)
print(f"L1 = {F.l1_loss(output, target).item():.4f}",
      f"L2 (mean squared) = {F.mse_loss(output, target).item():.4f}")

# one input, ten training targets for one pixel: 0 seven times, 1 three times
pixel_values = torch.tensor([0.0] * 7 + [1.0] * 3, device=device)
c = torch.linspace(0, 1, 101, device=device)[:, None]  # candidate outputs
l1_best = c[(c - pixel_values).abs().mean(dim=1).argmin()]
l2_best = c[((c - pixel_values) ** 2).mean(dim=1).argmin()]
print(f"best constant under L1: {l1_best.item():.2f} (the median),",
      f"under L2: {l2_best.item():.2f} (the mean)")
# --8<-- [end:l1_l2]
numbers["l1"] = f"{F.l1_loss(output, target).item():.4f}"
numbers["l2"] = f"{F.mse_loss(output, target).item():.4f}"
numbers["l1_best"] = f"{l1_best.item():.2f}"
numbers["l2_best"] = f"{l2_best.item():.2f}"

# %% [markdown]
# Feature matching (pix2pixHD): a small conditional D sees the label map with the
# real or the generated image; the loss compares its intermediate features.

# %%
# --8<-- [start:feature_matching]
class SmallD(nn.Module):  # a small patch discriminator that returns its features
    def __init__(self, in_channels):
        super().__init__()
        self.layers = nn.ModuleList([
            nn.Sequential(nn.Conv2d(in_channels, 16, 4, 2, 1), nn.LeakyReLU(0.2)),
            nn.Sequential(nn.Conv2d(16, 32, 4, 2, 1), nn.LeakyReLU(0.2)),
            nn.Conv2d(32, 1, 3, padding=1),  # one score per patch
        ])

    def forward(self, x):
        features = []
        for layer in self.layers:
            x = layer(x)
            features.append(x)
        return features  # the last one is the score map


label_ids = torch.randint(0, 4, (1, 32, 32), device=device)
label = F.one_hot(label_ids, 4).permute(0, 3, 1, 2).float()  # (1, 4, 32, 32)
real_image = torch.rand(1, 3, 32, 32, device=device)
G = nn.Sequential(nn.Conv2d(4, 16, 3, padding=1), nn.ReLU(),  # a tiny generator: label map -> image
                  nn.Conv2d(16, 3, 3, padding=1), nn.Sigmoid()).to(device)
D = SmallD(4 + 3).to(device)
fake_image = G(label)
feats_real = D(torch.cat([label, real_image], dim=1))
feats_fake = D(torch.cat([label, fake_image], dim=1))
feature_matching = sum(F.l1_loss(f, r.detach())  # real features: fixed targets
                       for f, r in zip(feats_fake[:-1], feats_real[:-1]))
print("features:", [tuple(f.shape) for f in feats_real[:-1]])
print(f"feature-matching loss = {feature_matching.item():.4f}")
# --8<-- [end:feature_matching]
numbers["feature_matching"] = f"{feature_matching.item():.4f}"

# %% [markdown]
# G's step on this loss. The fake side runs through D's weights, so backward fills D's
# `.grad` as well; only `opt_G.step()` follows, so only G moves.

# %%
# --8<-- [start:fm_step]
opt_G = torch.optim.Adam(G.parameters(), lr=1e-3)  # G's parameters only
D_before = [p.detach().clone() for p in D.parameters()]
G_before = [p.detach().clone() for p in G.parameters()]
opt_G.zero_grad()
feature_matching.backward()
D_grad_norm = torch.cat([p.grad.flatten() for p in D.parameters() if p.grad is not None]).norm().item()
print(f"norm of D's .grad after backward: {D_grad_norm:.4f}")
opt_G.step()
for name, net, before in (("D", D, D_before), ("G", G, G_before)):
    moved = max((p - p0).abs().max().item() for p, p0 in zip(net.parameters(), before))
    print(f"largest change in {name}'s weights after opt_G.step(): {moved:g}")
# --8<-- [end:fm_step]
numbers["fm_d_grad_norm"] = f"{D_grad_norm:.4f}"
numbers["fm_d_moved"] = f"{max((p - p0).abs().max().item() for p, p0 in zip(D.parameters(), D_before)):g}"
numbers["fm_g_moved"] = f"{max((p - p0).abs().max().item() for p, p0 in zip(G.parameters(), G_before)):.1e}"

# %% [markdown]
# The perceptual loss (Johnson et al. 2016) compares the two images inside a fixed,
# pretrained network. With no VGG weights available, a small VGG-shaped net with
# random weights stands in: same computation, different (and much less meaningful) features.

# %%
# --8<-- [start:perceptual]
feature_net = nn.Sequential(  # VGG's shape: 3x3 convolutions, ReLU, max-pooling
    nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
).to(device).eval().requires_grad_(False)  # random weights, never trained

# mean over C*H*W of the squared feature differences (Johnson et al. 2016)
perceptual = F.mse_loss(feature_net(fake_image), feature_net(real_image))
pixel_l2 = F.mse_loss(fake_image, real_image)
print(f"perceptual (random features) = {perceptual.item():.2e}",
      f"pixel L2 = {pixel_l2.item():.4f}")
# --8<-- [end:perceptual]
numbers["perceptual"] = f"{perceptual.item():.2e}"
numbers["pixel_l2"] = f"{pixel_l2.item():.4f}"

# %% [markdown]
# InfoNCE (van den Oord et al. 2018) on eight pairs of embeddings.

# %%
# --8<-- [start:info_nce]
anchors = torch.randn(8, 16, device=device)
positives = anchors + 1.0 * torch.randn(8, 16, device=device)  # row i: anchor i's
temperature = 0.1
logits = F.normalize(anchors, dim=1) @ F.normalize(positives, dim=1).T / temperature
info_nce = F.cross_entropy(logits, torch.arange(8, device=device))
print(f"InfoNCE = {info_nce.item():.4f}; random: ~ ln 8 = {math.log(8):.4f}")
# --8<-- [end:info_nce]
numbers["info_nce"] = f"{info_nce.item():.4f}"
numbers["log8"] = f"{math.log(8):.4f}"

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
