"""One convolution layer computed by hand: a 7×7×3 input and two 3×3×3 filters.

Each output value is the sum, over all three input channels, of a 3×3 window
multiplied element by element with one filter, plus that filter's bias. A
loop in numpy computes it and `torch.nn.functional.conv2d` must agree; then
the output size formula ⌊(W + 2P − F)/S⌋ + 1 is checked against PyTorch, and
the "convolution" of deep learning is compared with a true convolution.
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
import torch.nn.functional as F

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
# --8<-- [end:setup]

# %% [markdown]
# Small integers keep every product readable. Arrays are stored channels first,
# as PyTorch does: the input is (C, H, W) = (3, 7, 7), the filters (K, C, F, F).

# %%
# --8<-- [start:data]
rng = np.random.default_rng(5)
image = rng.integers(0, 3, size=(3, 7, 7)).astype(np.float32)  # 3 channels
filters = rng.integers(-1, 2, size=(2, 3, 3, 3)).astype(np.float32)
biases = np.array([1.0, 0.0], dtype=np.float32)  # one bias per filter
print("input:  ", image.shape, "  (channels, height, width)")
print("filters:", filters.shape, "(filters, channels, height, width)")
print("biases: ", biases.shape)
# --8<-- [end:data]

# %% [markdown]
# The layer as a loop: slide each filter over the (padded) input; at every
# position multiply the 3×3×3 window by the filter, sum all 27 products, add the bias.

# %%
# --8<-- [start:by_hand]
def conv2d_by_hand(x, weight, bias, stride=1, padding=0):
    """x: (C, H, W), weight: (K, C, F, F), bias: (K,) -> (K, H_out, W_out)"""
    n_filters, depth, size, _ = weight.shape
    assert depth == x.shape[0], "filter depth must equal input channels"
    pad = (padding, padding)
    x = np.pad(x, ((0, 0), pad, pad))  # zeros around every channel
    h_out = (x.shape[1] - size) // stride + 1
    w_out = (x.shape[2] - size) // stride + 1
    out = np.zeros((n_filters, h_out, w_out), dtype=np.float32)
    for k in range(n_filters):  # one output feature map per filter
        for i in range(h_out):
            for j in range(w_out):
                top, left = i * stride, j * stride
                # the window spans all channels: (C, F, F)
                window = x[:, top:top + size, left:left + size]
                out[k, i, j] = np.sum(window * weight[k]) + bias[k]
    return out
# --8<-- [end:by_hand]


# %% [markdown]
# The first output value in detail: one sum per channel, then the bias.

# %%
# --8<-- [start:first_value]
window = image[:, 0:3, 0:3]  # top-left 3×3 window of every channel
per_channel = [float(np.sum(window[c] * filters[0, c])) for c in range(3)]
first_value = sum(per_channel) + biases[0]
print("per-channel sums:", per_channel, " bias:", biases[0])
print("output[0, 0, 0] =", first_value)
# --8<-- [end:first_value]

# %% [markdown]
# Against PyTorch, for stride 1 without padding and for stride 2 with padding 1.

# %%
# --8<-- [start:compare]
def to_torch(array):
    return torch.from_numpy(array).to(device)


x_t = to_torch(image)[None]  # (N, C, H, W) = (1, 3, 7, 7)
w_t, b_t = to_torch(filters), to_torch(biases)
results, max_diffs = {}, {}
for stride, padding in ((1, 0), (2, 1)):
    by_hand = conv2d_by_hand(image, filters, biases, stride, padding)
    by_torch = F.conv2d(x_t, w_t, b_t, stride=stride, padding=padding)
    by_torch = by_torch[0].cpu().numpy()
    diff = float(np.abs(by_hand - by_torch).max())
    results[stride, padding], max_diffs[stride, padding] = by_hand, diff
    print(f"stride {stride}, padding {padding}: output {by_torch.shape}, "
          f"max |hand - torch| = {diff}")
# --8<-- [end:compare]

# %% [markdown]
# The same loop on random real numbers: only rounding separates the two.

# %%
# --8<-- [start:compare_float]
x_float = rng.normal(size=(3, 7, 7)).astype(np.float32)
w_float = rng.normal(size=(2, 3, 3, 3)).astype(np.float32)
b_float = rng.normal(size=2).astype(np.float32)
by_hand = conv2d_by_hand(x_float, w_float, b_float, stride=2, padding=1)
by_torch = F.conv2d(to_torch(x_float)[None], to_torch(w_float),
                    to_torch(b_float), stride=2, padding=1)
float_diff = float(np.abs(by_hand - by_torch[0].cpu().numpy()).max())
print(f"random floats: max |hand - torch| = {float_diff:.1e}")
# --8<-- [end:compare_float]

# %% [markdown]
# The output size ⌊(W + 2P − F)/S⌋ + 1 against the shapes PyTorch returns.

# %%
# --8<-- [start:formula]
def output_size(width, kernel, stride, padding):
    return (width + 2 * padding - kernel) // stride + 1


cases = [  # (W, F, S, P)
    (7, 3, 1, 0), (7, 3, 2, 1), (5, 3, 2, 1), (7, 3, 2, 0), (8, 3, 3, 0), (28, 5, 1, 2),
    (32, 5, 1, 0), (224, 3, 1, 1), (224, 7, 2, 3), (227, 11, 4, 0),
]
formula_rows = []
for width, kernel, stride, padding in cases:
    x = torch.zeros(1, 1, width, width, device=device)
    kernels = torch.zeros(1, 1, kernel, kernel, device=device)
    out = F.conv2d(x, kernels, stride=stride, padding=padding)
    by_formula = output_size(width, kernel, stride, padding)
    by_torch = out.shape[-1]
    assert by_formula == by_torch
    formula_rows.append((width, kernel, stride, padding, by_formula, by_torch))
    print(f"W={width:>3} F={kernel:>2} S={stride} P={padding}: "
          f"formula {by_formula:>3}, PyTorch {by_torch:>3}")
# --8<-- [end:formula]

# %% [markdown]
# The table of these cases, for the page (its header in the page's language).

# %%
HEADER = {
    "zh": "| 输入宽 W | 卷积核 F | 步幅 S | 填充 P | (W + 2P − F)/S | 公式 | PyTorch |",
    "en": "| input W | kernel F | stride S | padding P | (W + 2P − F)/S | formula | PyTorch |",
}[LANG]
lines = [HEADER, "| " + " | ".join(["---:"] * 7) + " |"]
for width, kernel, stride, padding, by_formula, torch_size in formula_rows:
    ratio = round((width + 2 * padding - kernel) / stride, 2)  # before the floor
    lines.append(f"| {width} | {kernel} | {stride} | {padding} | {ratio:g} | {by_formula} | {torch_size} |")
(OUT / "output_sizes.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
print("\n".join(lines))

# %% [markdown]
# Dilation D spreads a kernel's F taps D pixels apart, so it spans D(F − 1) + 1
# pixels. PyTorch's formula pads P on each side; d2l's counts the padding of both
# sides together (p), which also allows an odd total, split unevenly. Both forms
# against nn.Conv2d on a grid of cases, the padding done by F.pad.

# %%
# --8<-- [start:dilation]
def output_size_dilated(width, kernel, stride, padding, dilation):
    """PyTorch's docs: padding on each side, dilation spreads the kernel."""
    return (width + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def output_size_d2l(width, kernel, stride, total_padding):
    """d2l: ⌊(n − k + p + s)/s⌋ with p the padding of both sides together."""
    return (width - kernel + total_padding + stride) // stride


grid = [(w, f, s, p, d) for w in (5, 7, 8, 28) for f in (1, 2, 3, 5)
        for s in (1, 2, 3) for p in range(5) for d in (1, 2, 3)
        if w + p >= d * (f - 1) + 1]  # the spread kernel must fit
agree = 0
for width, kernel, stride, total_padding, dilation in grid:
    x = torch.zeros(1, 1, width, width, device=device)
    before = total_padding // 2  # an odd total puts the extra row after
    padded = F.pad(x, (before, total_padding - before) * 2)  # left, right, top, bottom
    layer = torch.nn.Conv2d(1, 1, kernel, stride, dilation=dilation).to(device)
    by_torch = [layer(padded).shape[-1]]
    span = dilation * (kernel - 1) + 1
    by_forms = [output_size_d2l(width, span, stride, total_padding)]
    if total_padding % 2 == 0:  # equal sides: nn.Conv2d pads by itself
        padding = total_padding // 2
        layer = torch.nn.Conv2d(1, 1, kernel, stride, padding, dilation).to(device)
        by_torch.append(layer(x).shape[-1])
        by_forms.append(output_size_dilated(width, kernel, stride, padding, dilation))
    agree += len(set(by_torch + by_forms)) == 1
print(f"{agree} of {len(grid)} cases: both forms equal nn.Conv2d")
for w, f, s, p, d in ((7, 3, 1, 0, 2), (224, 3, 1, 4, 2), (8, 3, 2, 1, 1)):
    print(f"W={w:>3} F={f} S={s} D={d}, padding {p} in all: "
          f"{output_size_d2l(w, d * (f - 1) + 1, s, p)}")
# --8<-- [end:dilation]


# %% [markdown]
# Deep learning's "convolution" does not flip the kernel: it is a cross-correlation.
# A true 2-D convolution, written from its definition, sums x[i − a, j − b] · k[a, b].

# %%
# --8<-- [start:cross_correlation]
def true_convolution(x, k):
    """(x * k)[i, j] = sum over a, b of x[i - a, j - b] k[a, b], 'valid' part"""
    f = k.shape[0]
    out = np.zeros((x.shape[0] - f + 1, x.shape[1] - f + 1), dtype=np.float32)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            ii, jj = i + f - 1, j + f - 1  # the kernel fits wholly inside x
            out[i, j] = sum(x[ii - a, jj - b] * k[a, b]
                            for a in range(f) for b in range(f))
    return out


x_one = to_torch(x_float[:1])[None]  # one channel: (1, 1, 7, 7)
k_one = to_torch(w_float[0, 0])[None, None]  # one 3×3 kernel: (1, 1, 3, 3)
conv_math = true_convolution(x_float[0], w_float[0, 0])
conv_torch = F.conv2d(x_one, k_one)[0, 0].cpu().numpy()
conv_flipped = F.conv2d(x_one, k_one.flip(2, 3))[0, 0].cpu().numpy()
unflipped_diff = float(np.abs(conv_math - conv_torch).max())
flipped_diff = float(np.abs(conv_math - conv_flipped).max())
print(f"true convolution vs F.conv2d:          max diff {unflipped_diff:.2f}")
print(f"... vs F.conv2d with the kernel flipped: max diff {flipped_diff:.1e}")
# --8<-- [end:cross_correlation]

# %%
out_s1, out_s2 = results[1, 0], results[2, 1]
assert out_s1[0, 0, 0] == first_value


def shape_hwc(array):  # (K, H, W) -> "H×W×K", the notes' way of writing it
    k, h, w = array.shape
    return f"{h}×{w}×{k}"


numbers = {
    "input_hwc": "7×7×3",
    "input_shape": str(tuple(x_t.shape)),
    "filters_shape": str(tuple(w_t.shape)),
    "first_sums": " + ".join(f"(−{-s:g})" if s < 0 else f"{s:g}" for s in per_channel),
    "first_bias": f"{biases[0]:g}".replace("-", "−"),
    "first_value": f"{first_value:g}".replace("-", "−"),
    "out_s1_hwc": shape_hwc(out_s1),
    "out_s1_shape": str((1, *out_s1.shape)),
    "out_s2_hwc": shape_hwc(out_s2),
    "out_s2_shape": str((1, *out_s2.shape)),
    "max_diff_s1": f"{max_diffs[1, 0]:g}",
    "max_diff_s2": f"{max_diffs[2, 1]:g}",
    "max_diff_float": f"{float_diff:.1e}",
    "formula_cases": len(cases),
    "grid_cases": len(grid),
    "grid_agree": agree,
    "dilated_7": output_size_d2l(7, 2 * (3 - 1) + 1, 1, 0),
    "dilated_224": output_size_d2l(224, 2 * (3 - 1) + 1, 1, 4),
    "odd_padding_8": output_size_d2l(8, 3, 2, 1),
    "unflipped_diff": f"{unflipped_diff:.2f}",
    "flipped_diff": f"{flipped_diff:.1e}",
    "out_s1_values": out_s1.astype(int).tolist(),  # the figure's values (cnn_demo_figure.py computes them itself)
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
