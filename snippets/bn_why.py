"""Why BatchNorm, and why it scales and shifts afterwards.

A stack of eight tanh layers whose pre-activations are too wide and off-centre
spends most of its units where tanh is flat: there its derivative is close to
0, and little gradient passes. Normalising each pre-activation over the batch
gives it mean 0 and variance 1, where most values fall in tanh's steep middle. The
affine step y = γ·x̂ + β can undo the normalisation exactly (γ = sqrt(var + eps),
β = mean), so adding BN never takes away what the layer could represent.
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
# --8<-- [end:setup]

# %% [markdown]
# Eight linear layers, each followed by tanh, once without and once with a BatchNorm in
# between. The weights are the same in both; they are drawn twice as wide as a careful
# initialisation would, and the inputs are not centred, as raw features often are.

# %%
# --8<-- [start:layers]
width, depth = 256, 8
linears = [nn.Linear(width, width).to(device) for _ in range(depth)]
with torch.no_grad():
    for linear in linears:
        linear.weight.normal_(0.0, 2.0 / width ** 0.5)
        linear.bias.normal_(0.0, 1.0)
x = torch.randn(512, width, device=device) * 3.0 + 2.0  # a batch of 512 raw inputs

def pre_activations(with_bn):
    h, found = x, []
    for linear in linears:
        z = linear(h)
        if with_bn:
            z = nn.functional.batch_norm(z, None, None, training=True)  # γ = 1, β = 0
        found.append(z)
        h = torch.tanh(z)
    return found
# --8<-- [end:layers]

# %% [markdown]
# Count, layer by layer, the units where tanh is nearly flat, and the mean slope tanh'(z).

# %%
# --8<-- [start:measure]
saturated_at = 0.1  # saturated: tanh'(z) = 1 - tanh(z)^2 < 0.1, i.e. |z| > 1.82
with torch.no_grad():
    for with_bn in (False, True):
        zs = pre_activations(with_bn)
        slopes = [1 - torch.tanh(z) ** 2 for z in zs]  # tanh'(z), layer by layer
        share = [(s < saturated_at).float().mean().item() for s in slopes]
        slope = [s.mean().item() for s in slopes]
        print("with BN" if with_bn else "without BN")
        print("  saturated share per layer:", [round(s, 2) for s in share])
        print("  mean tanh'(z) per layer:  ", [round(s, 2) for s in slope])
        if with_bn:
            zs_bn, share_bn, slope_bn = zs, share, slope
        else:
            zs_plain, share_plain, slope_plain = zs, share, slope
# --8<-- [end:measure]

# %% [markdown]
# The first layer's pre-activations against tanh and its derivative, and the share of
# saturated units layer by layer.

# %%
TEXT = {
    "zh": {"left": "第 1 层的预激活值与 tanh", "z": "预激活值 z", "density": "密度",
           "plain": "无 BN", "bn": "有 BN", "tanh": "tanh(z)", "slope": "tanh′(z)",
           "sat": "饱和区（tanh′ < 0.1）", "right": "每层处于饱和区的单元比例",
           "layer": "层", "share": "饱和比例"},
    "en": {"left": "Layer 1 pre-activations against tanh", "z": "pre-activation z", "density": "density",
           "plain": "without BN", "bn": "with BN", "tanh": "tanh(z)", "slope": "tanh′(z)",
           "sat": "saturated (tanh′ < 0.1)", "right": "Share of saturated units per layer",
           "layer": "layer", "share": "saturated share"},
}[LANG]
fig, (ax, ax_share) = plt.subplots(1, 2, figsize=(10, 3.8))
grid = torch.linspace(-10, 10, 401)
ax.hist(zs_plain[0].flatten().cpu().numpy(), bins=60, range=(-10, 10), density=True, alpha=0.5, label=TEXT["plain"])
ax.hist(zs_bn[0].flatten().cpu().numpy(), bins=60, range=(-10, 10), density=True, alpha=0.5, label=TEXT["bn"])
ax.axvspan(-10, -1.82, color="grey", alpha=0.15, label=TEXT["sat"])
ax.axvspan(1.82, 10, color="grey", alpha=0.15)
ax.set(title=TEXT["left"], xlabel=TEXT["z"], ylabel=TEXT["density"], xlim=(-10, 10))
curve = ax.twinx()
curve.plot(grid, torch.tanh(grid), color="black", label=TEXT["tanh"])
curve.plot(grid, 1 - torch.tanh(grid) ** 2, color="black", linestyle="--", label=TEXT["slope"])
curve.set_ylim(-1.1, 1.1)
handles = [h for a in (ax, curve) for h in a.get_legend_handles_labels()[0]]
ax.legend(handles, [h.get_label() for h in handles], fontsize=8, loc="upper left")
layers = range(1, depth + 1)
ax_share.plot(layers, share_plain, "o-", label=TEXT["plain"])
ax_share.plot(layers, share_bn, "s-", label=TEXT["bn"])
ax_share.set(title=TEXT["right"], xlabel=TEXT["layer"], ylabel=TEXT["share"], ylim=(0, 1))
ax_share.legend()
fig.tight_layout()
fig.savefig(OUT / "saturation.svg")

# %% [markdown]
# After normalisation most values sit where tanh is nearly a straight line. How straight:
# the R² of the best straight-line fit of tanh(γ·x̂) on x̂, where x̂ are the normalised
# pre-activations of layer 1 from above (mean 0 and variance 1 per unit; BN does not make
# them normal, it only shifts and scales them).

# %%
# --8<-- [start:linear_part]
x_hat = zs_bn[0].flatten()
r2 = {}
for gamma in (1.0, 2.0, 3.0):
    r = torch.corrcoef(torch.stack([x_hat, torch.tanh(gamma * x_hat)]))[0, 1]
    r2[gamma] = r.item() ** 2
    print(f"gamma = {gamma}: R^2 of the best line through tanh(gamma * x_hat) = {r2[gamma]:.3f}")
# --8<-- [end:linear_part]

# %% [markdown]
# With ReLU after BN, β sets the threshold: a unit is active where γ·x̂ + β > 0. With
# β = 0 about half the units fire whatever the layer before does; β moves that share.

# %%
# --8<-- [start:relu_shift]
active = {}
for beta in (-1.0, 0.0, 1.0):
    active[beta] = (torch.relu(x_hat + beta) > 0).float().mean().item()  # gamma = 1
    print(f"beta = {beta:+.0f}: share of units that ReLU lets through = {active[beta]:.2f}")
# --8<-- [end:relu_shift]

# %% [markdown]
# The affine step can give back the input exactly: with γ = sqrt(var + eps) and β = mean
# of this batch (biased variance, per feature), BN in train mode is the identity on this
# batch. On another batch it is not, because train mode uses that batch's statistics. In
# eval mode, γ = sqrt(running_var + eps) and β = running_mean make it the identity for
# every input.

# %%
# --8<-- [start:identity]
bn = nn.BatchNorm1d(3).to(device)
spread = torch.tensor([5.0, 0.2, 1.0], device=device)
z = torch.randn(64, 3, device=device) * spread + 7.0
with torch.no_grad():
    bn.weight.copy_(torch.sqrt(z.var(0, unbiased=False) + bn.eps))  # gamma
    bn.bias.copy_(z.mean(0))  # beta
    restored = bn(z)
    z_other = torch.randn(64, 3, device=device) * spread + 7.0  # another batch, same source
    restored_other = bn(z_other)
    bn.eval()
    bn.weight.copy_(torch.sqrt(bn.running_var + bn.eps))
    bn.bias.copy_(bn.running_mean)
    restored_eval = bn(z_other)
identity_diff = (restored - z).abs().max().item()
other_diff = (restored_other - z_other).abs().max().item()
eval_diff = (restored_eval - z_other).abs().max().item()
print(f"train mode, the batch gamma and beta came from: max |BN(z) - z| = {identity_diff:.1e}")
print(f"train mode, another batch:                      max |BN(z) - z| = {other_diff:.2f}")
print(f"eval mode, gamma and beta from the running statistics: {eval_diff:.1e}")
# --8<-- [end:identity]

# %%
numbers = {
    "width": width,
    "depth": depth,
    "share_plain_1": f"{share_plain[0]:.0%}",
    "share_plain_min": f"{min(share_plain):.0%}",
    "share_plain_max": f"{max(share_plain):.0%}",
    "share_plain_rest_min": f"{min(share_plain[1:]):.0%}",  # layers 2 to depth
    "share_plain_rest_max": f"{max(share_plain[1:]):.0%}",
    "share_bn": f"{max(share_bn):.0%}",
    "slope_plain_1": f"{slope_plain[0]:.2f}",
    "slope_plain_last": f"{slope_plain[-1]:.2f}",
    "slope_bn": f"{slope_bn[0]:.2f}",
    "r2_gamma1": f"{r2[1.0]:.3f}",
    "r2_gamma3": f"{r2[3.0]:.3f}",
    "identity_diff": f"{identity_diff:.1e}",
    "identity_other_diff": f"{other_diff:.2f}",
    "identity_eval_diff": f"{eval_diff:.1e}",
    "active_beta_minus": f"{active[-1.0]:.2f}",
    "active_beta_zero": f"{active[0.0]:.2f}",
    "active_beta_plus": f"{active[1.0]:.2f}",
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
