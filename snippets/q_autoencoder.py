"""Encoder and decoder made concrete: a tiny autoencoder.

Each input is a signal of 32 values: one bump, with its own position and width.
The encoder squeezes the 32 values into a code of 2 numbers; the decoder
rebuilds the 32 values from the code alone. Training them together on the
reconstruction error makes the code keep what the decoder needs.
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
torch.set_num_threads(1)  # tiny networks: extra CPU threads cost more than they save

# %% [markdown]
# The data: bumps exp(−(t − position)² / (2·width²)) on t = 0, …, 31.

# %%
def bumps(n):
    position = 6 + 20 * torch.rand(n, 1, device=device)
    width = 1.5 + 2.5 * torch.rand(n, 1, device=device)
    t = torch.arange(32, device=device, dtype=torch.float32)
    return torch.exp(-0.5 * ((t - position) / width) ** 2), position.squeeze(1), width.squeeze(1)


train_x, _, _ = bumps(1024)
test_x, test_position, _ = bumps(256)
print("train:", tuple(train_x.shape), " test:", tuple(test_x.shape))
# --8<-- [end:setup]

# %%
# --8<-- [start:model]
encoder = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 2))  # 32 -> 2
decoder = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 32))  # 2 -> 32
encoder, decoder = encoder.to(device), decoder.to(device)
parameters = [*encoder.parameters(), *decoder.parameters()]
optimizer = torch.optim.Adam(parameters, lr=3e-3)


def reconstruction_error(x):  # mean squared error (L2)
    return ((decoder(encoder(x)) - x) ** 2).mean()


code = encoder(test_x)
print("input", tuple(test_x.shape), "-> code", tuple(code.shape),
      "-> output", tuple(decoder(code).shape))
with torch.no_grad():
    error_before = reconstruction_error(test_x).item()

for step in range(1500):
    batch = train_x[torch.randint(0, len(train_x), (128,), device=device)]
    loss = reconstruction_error(batch)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

with torch.no_grad():
    test_code = encoder(test_x)
    error_after = reconstruction_error(test_x).item()
print(f"test error: {error_before:.4f} before training, {error_after:.4f} after")
# --8<-- [end:model]

# %%
TEXT = {
    "zh": {"rec": "测试信号（实线）与解码器的重建（虚线）", "t": "位置 t", "value": "取值",
           "codes": "编码器给出的二维编码（颜色：峰的位置）", "c1": "编码第 1 维", "c2": "编码第 2 维",
           "pos": "峰的位置"},
    "en": {"rec": "Test signals (solid), decoder's rebuilds (dashed)", "t": "t", "value": "value",
           "codes": "The encoder's codes (colour: bump position)", "c1": "code[0]", "c2": "code[1]",
           "pos": "bump position"},
}[LANG]
fig, (ax_rec, ax_code) = plt.subplots(1, 2, figsize=(8.6, 3.5))
with torch.no_grad():
    rebuilt = decoder(test_code).cpu().numpy()
for k, index in enumerate([0, 1, 2]):
    ax_rec.plot(test_x[index].cpu().numpy(), color=f"C{k}")
    ax_rec.plot(rebuilt[index], color=f"C{k}", linestyle="--")
ax_rec.set(title=TEXT["rec"], xlabel=TEXT["t"], ylabel=TEXT["value"])
codes = test_code.cpu().numpy()
points = ax_code.scatter(codes[:, 0], codes[:, 1], c=test_position.cpu().numpy(), cmap="viridis", s=12)
fig.colorbar(points, ax=ax_code, label=TEXT["pos"])
ax_code.set(title=TEXT["codes"], xlabel=TEXT["c1"], ylabel=TEXT["c2"])
for ax in (ax_rec, ax_code):
    ax.title.set_fontsize(10)
fig.tight_layout()
fig.savefig(OUT / "autoencoder.svg")

# %%
numbers = {
    "error_before": f"{error_before:.4f}",
    "error_after": f"{error_after:.4f}",
    "encoder_params": f"{sum(p.numel() for p in encoder.parameters()):,}",
    "decoder_params": f"{sum(p.numel() for p in decoder.parameters()):,}",
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
