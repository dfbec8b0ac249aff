"""Small test batches: why an image-generating network needs eval() at test time.

A tiny image-to-image network with BatchNorm learns to reproduce photographs
under varying lighting. Tested on one image at a time, in eval mode it
normalises with the running statistics it accumulated in training, and the colours
come back right. Left in train mode, BN normalises each channel with that one image's own
mean and variance: the image's overall brightness and tint are removed, and the
output takes on the average lighting of the training data. With a single value
per channel, a (1, C, 1, 1) batch, PyTorch refuses to run BN in train mode.
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
import copy

import matplotlib.cbook as cbook
import matplotlib.pyplot as plt
import torch
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)

# %% [markdown]
# A real photograph: the portrait of Grace Hopper that ships with matplotlib, shrunk 6×.
# Should a matplotlib install lack it, a synthetic colourful image stands in.

# %%
try:
    photo = plt.imread(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))  # (600, 512, 3) uint8
    image = torch.tensor(photo, dtype=torch.float32, device=device).permute(2, 0, 1)[None] / 255
    image = nn.functional.avg_pool2d(image, 6)  # (1, 3, 100, 85), values in [0, 1]
    source = "grace_hopper.jpg"
except (FileNotFoundError, OSError, ValueError):
    rows, cols = torch.meshgrid(torch.linspace(0, 1, 100), torch.linspace(0, 1, 85), indexing="ij")
    image = torch.stack([rows, cols, 0.5 + 0.5 * torch.sin(8 * rows * cols)])[None].to(device)
    source = "synthetic"
print("image:", source, tuple(image.shape))
# --8<-- [end:setup]

# %% [markdown]
# Training data: random 16×16 crops under random lighting (each colour channel scaled by
# a factor between 0.6 and 1.4). The model maps colours pixel by pixel (1×1 convolutions)
# with a BatchNorm after each hidden layer, and learns to give back its input.

# %%
# --8<-- [start:train]
def lit(batch, gains):  # change the lighting: scale each colour channel
    return (batch * gains.view(-1, 3, 1, 1)).clamp(0, 1)

def random_crops(n, size=16):
    tops = torch.randint(0, image.shape[2] - size, (n,)).tolist()
    lefts = torch.randint(0, image.shape[3] - size, (n,)).tolist()
    return torch.cat([image[:, :, t:t + size, l:l + size] for t, l in zip(tops, lefts)])

model = nn.Sequential(
    nn.Conv2d(3, 16, 1), nn.BatchNorm2d(16), nn.ReLU(),
    nn.Conv2d(16, 16, 1), nn.BatchNorm2d(16), nn.ReLU(),
    nn.Conv2d(16, 3, 1),
).to(device)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=200)
for step in range(200):
    target = lit(random_crops(16), 0.6 + 0.8 * torch.rand(16, 3, device=device))
    loss = (model(target) - target).abs().mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    schedule.step()
print(f"last training loss (mean |error|, 0-255 scale): {loss.item() * 255:.2f}")
# --8<-- [end:train]

# %% [markdown]
# Test one image at a time (batch size 1), under three lightings, in both modes.
# The error is the mean absolute difference from the true image, on the 0-255 scale.

# %%
# --8<-- [start:test]
lightings = {"as shot": [1.0, 1.0, 1.0], "darker": [0.6, 0.6, 0.6], "warm": [1.3, 1.0, 0.6]}
model.eval()
forgot_eval = copy.deepcopy(model).train()  # a copy in train mode: eval() forgotten
results = {}
for name, gains in lightings.items():
    truth = lit(image, torch.tensor(gains, device=device))  # a batch of one image
    with torch.no_grad():
        out_eval = model(truth)
        out_train = forgot_eval(truth)  # BN uses this one image's own statistics
    error_eval = (out_eval - truth).abs().mean().item() * 255
    error_train = (out_train - truth).abs().mean().item() * 255
    shift_train = ((out_train - truth).mean(dim=(0, 2, 3)) * 255).cpu()
    results[name] = (truth, out_eval, out_train, error_eval, error_train)
    print(f"{name:<8} error eval {error_eval:5.1f}   train (batch of 1) {error_train:5.1f}"
          f"   colour shift R,G,B in train mode {shift_train.numpy().round(1)}")
# --8<-- [end:test]

# %% [markdown]
# The outputs side by side.

# %%
TEXT = {
    "zh": {"truth": "真实图像（也是输入）", "eval": "评估模式", "train": "训练模式，批大小 1",
           "err": "误差", "as shot": "原图", "darker": "调暗", "warm": "偏暖"},
    "en": {"truth": "true image (also the input)", "eval": "eval mode", "train": "train mode, batch of 1",
           "err": "error", "as shot": "as shot", "darker": "darker", "warm": "warm"},
}[LANG]
fig, axes = plt.subplots(2, 3, figsize=(7.2, 5.8))
for row, name in zip(axes, ("darker", "warm")):  # "as shot" looks like the training average: little to see
    truth, out_eval, out_train, error_eval, error_train = results[name]
    panels = [(truth, TEXT["truth"]), (out_eval, f"{TEXT['eval']}\n{TEXT['err']} {error_eval:.1f}"),
              (out_train, f"{TEXT['train']}\n{TEXT['err']} {error_train:.1f}")]
    for ax, (picture, title) in zip(row, panels):
        ax.imshow(picture[0].permute(1, 2, 0).clamp(0, 1).cpu().numpy(), interpolation="none")
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(TEXT[name], fontsize=11)
fig.tight_layout()
fig.savefig(OUT / "colour_distortion.svg")

# %% [markdown]
# The extreme case: one value per channel. In train mode there is no batch variance to
# divide by, and PyTorch raises an error; in eval mode the same input is fine.

# %%
# --8<-- [start:one_value]
bn = model[1]  # the first BatchNorm2d, with 16 channels
one_value = torch.randn(1, 16, 1, 1, device=device)
bn.train()
try:
    bn(one_value)
except ValueError as error:
    message = str(error)
    print(type(error).__name__ + ":", message)
print("train mode, (1, 16, 4, 4): output", tuple(bn(torch.randn(1, 16, 4, 4, device=device)).shape))
bn.eval()
print("eval mode,  (1, 16, 1, 1): output", tuple(bn(one_value).shape))
# --8<-- [end:one_value]

# %% [markdown]
# A normalisation that does not use the batch: GroupNorm takes its statistics from each
# sample alone, so a sample gets the same output alone in eval mode as inside a batch
# in train mode.

# %%
# --8<-- [start:group_norm]
group_norm = nn.GroupNorm(num_groups=4, num_channels=16).to(device)
features = torch.randn(5, 16, 4, 4, device=device)
with torch.no_grad():
    in_batch = group_norm.train()(features)[:1]
    alone = group_norm.eval()(features[:1])
group_norm_diff = (in_batch - alone).abs().max().item()
print(f"GroupNorm, sample 0 in a batch of 5 (train) or alone (eval): max diff {group_norm_diff:.1e}")
# --8<-- [end:group_norm]

# %%
numbers = {"image_source": source, "error_message": message, "crops": 16, "steps": 200,
           "group_norm_diff": f"{group_norm_diff:.1e}"}
for key, name in (("shot", "as shot"), ("dark", "darker"), ("warm", "warm")):
    numbers[f"error_eval_{key}"] = f"{results[name][3]:.1f}"
    numbers[f"error_train_{key}"] = f"{results[name][4]:.1f}"
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1))
print(numbers)
