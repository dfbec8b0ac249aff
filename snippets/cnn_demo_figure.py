"""The worked example drawn: three input channels, two filters, their biases, two output maps.

The same 7×7×3 input and two 3×3×3 filters as cnn_worked_example.py (stride 1,
no padding), drawn in the spirit of the CS231n convolution demo. Each figure
stops the sliding filter at one position: the 3×3 window is framed in every
input channel, each channel's window-times-filter sum is written beside the
filter, and the output value it produces is filled in.
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
from matplotlib.patches import Rectangle

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
# --8<-- [end:setup]

# %% [markdown]
# The example's numbers (the same seed and draws as cnn_worked_example.py), and
# the output computed by PyTorch.

# %%
# --8<-- [start:data]
rng = np.random.default_rng(5)
image = rng.integers(0, 3, size=(3, 7, 7)).astype(np.float32)  # (C, H, W)
filters = rng.integers(-1, 2, size=(2, 3, 3, 3)).astype(np.float32)
biases = np.array([1.0, 0.0], dtype=np.float32)
x, w, b = (torch.from_numpy(a).to(device) for a in (image, filters, biases))
output = F.conv2d(x[None], w, b)[0].cpu().numpy()  # (K, H_out, W_out)
print("output maps:", output.shape)
print(output)
# --8<-- [end:data]

# %% [markdown]
# The three stops drawn: filter 0 at the top-left corner, the same filter one
# step to the right, and filter 1 further inside.

# %%
STEPS = [(0, 0, 0), (0, 0, 1), (1, 2, 3)]  # (filter, row, column) of the output value


def channel_sums(k, row, col):
    """Window times filter k, summed within each input channel (stride 1)."""
    window = image[:, row:row + 3, col:col + 3]
    return [float(np.sum(window[c] * filters[k, c])) for c in range(3)]


def fmt(value):  # numbers as printed on the figure and the page, with a true minus sign
    return f"{value:g}".replace("-", "−")


equations = []
for k, row, col in STEPS:
    sums = channel_sums(k, row, col)
    assert sum(sums) + biases[k] == output[k, row, col]
    terms = " + ".join(f"({fmt(s)})" if s < 0 else fmt(s) for s in sums)
    equations.append(f"{terms} + {fmt(biases[k])} = {fmt(output[k, row, col])}")
    print(f"filter {k} at ({row}, {col}):", equations[-1])

# %%
TEXT = {
    "zh": {"input": "输入 7×7×3", "channel": "通道 {c}", "filter": "滤波器 W{k}\n3×3×3",
           "bias": "偏置 b{k}", "output": "输出 5×5×2", "map": "特征图 {k}",
           "sum": "求和 = {s}",
           "equation": "输出特征图 {k} 第 {r} 行第 {c} 列 = 三个通道的和 + 偏置 = {eq}"},
    "en": {"input": "input 7×7×3", "channel": "channel {c}", "filter": "filter W{k}\n3×3×3",
           "bias": "bias b{k}", "output": "output 5×5×2", "map": "feature map {k}",
           "sum": "sum = {s}",
           "equation": "output map {k}, row {r}, column {c} = the three channel sums + bias = {eq}"},
}[LANG]
COLORS = ["#1f77b4", "#d62728"]  # filter 0 and its map; filter 1 and its map
TINTS = ["#d6e6f5", "#f7d4d4"]
GAP = 2  # rows between stacked grids
FILTER_X = [9.5, 15.5]  # left edge of each filter column
OUTPUT_X = 22.5


def draw_grid(ax, values, left, top, fills=None):
    """A grid of numbered cells, row 0 at the top (the y axis is inverted); fills tints some cells."""
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            if fills is not None and fills[r][c] is not None:
                ax.add_patch(Rectangle((left + c, top + r), 1, 1, facecolor=fills[r][c], edgecolor="none"))
            ax.text(left + c + 0.5, top + r + 0.5, fmt(values[r, c]), ha="center", va="center", fontsize=10)
    xs, ys = [], []  # all grid lines as one path, separated by NaN
    for r in range(rows + 1):
        xs += [left, left + cols, np.nan]
        ys += [top + r, top + r, np.nan]
    for c in range(cols + 1):
        xs += [left + c, left + c, np.nan]
        ys += [top, top + rows, np.nan]
    ax.plot(xs, ys, color="0.55", lw=0.6)


def draw_step(k, row, col):
    x_range, y_range = (-1.6, OUTPUT_X + 5.3), (3 * (7 + GAP) + 1.4, -2.4)  # y inverted: row 0 on top
    fig = plt.figure(figsize=(0.3 * (x_range[1] - x_range[0]), 0.3 * (y_range[0] - y_range[1])))  # 0.3 in a cell
    ax = fig.add_axes((0, 0, 1, 1))
    color, tint = COLORS[k], TINTS[k]
    sums = channel_sums(k, row, col)
    for c in range(3):  # input channels, stacked
        top = c * (7 + GAP)
        fills = [[tint if row <= r < row + 3 and col <= q < col + 3 else None for q in range(7)] for r in range(7)]
        draw_grid(ax, image[c], 0, top, fills)
        ax.add_patch(Rectangle((col, top + row), 3, 3, fill=False, edgecolor=color, lw=2.5))
        ax.text(-0.4, top + 3.5, TEXT["channel"].format(c=c), rotation=90, ha="right", va="center", fontsize=10)
    for f in range(2):  # filters, each slice beside the channel it multiplies
        left = FILTER_X[f]
        for c in range(3):
            top = c * (7 + GAP) + 2
            draw_grid(ax, filters[f, c], left, top, [[TINTS[f] if f == k else None] * 3] * 3)
            if f == k:
                ax.add_patch(Rectangle((left, top), 3, 3, fill=False, edgecolor=color, lw=2.5))
                ax.text(left + 1.5, top + 3.6, TEXT["sum"].format(s=fmt(sums[c])), ha="center", va="top",
                        fontsize=10, color=color, fontweight="bold")
        ax.text(left + 1.5, -0.6, TEXT["filter"].format(k=f), ha="center", va="bottom", fontsize=11, color=COLORS[f])
        bias_top = 3 * (7 + GAP) - GAP + 0.2
        draw_grid(ax, biases[f:f + 1, None], left + 1, bias_top, [[TINTS[f] if f == k else None]])
        ax.text(left + 0.8, bias_top + 0.5, TEXT["bias"].format(k=f), ha="right", va="center", fontsize=10)
    for f in range(2):  # output maps
        top = 3 + f * (5 + 2 * GAP)
        fills = [[TINTS[f] if (f, r, q) == (k, row, col) else None for q in range(5)] for r in range(5)]
        draw_grid(ax, output[f], OUTPUT_X, top, fills)
        if f == k:
            ax.add_patch(Rectangle((OUTPUT_X + col, top + row), 1, 1, fill=False, edgecolor=color, lw=2.5))
        ax.text(OUTPUT_X + 2.5, top - 0.3, TEXT["map"].format(k=f), ha="center", va="bottom",
                fontsize=10, color=COLORS[f])
    ax.text(3.5, -0.6, TEXT["input"], ha="center", va="bottom", fontsize=11)
    ax.text(OUTPUT_X + 2.5, -0.6, TEXT["output"], ha="center", va="bottom", fontsize=11)
    eq_index = STEPS.index((k, row, col))
    ax.text(13.75, 3 * (7 + GAP) + 0.6, TEXT["equation"].format(k=k, r=row, c=col, eq=equations[eq_index]),
            ha="center", va="top", fontsize=11, color=color)
    ax.set_xlim(*x_range)
    ax.set_ylim(*y_range)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


# %%
for number, step in enumerate(STEPS, 1):
    fig = draw_step(*step)
    fig.savefig(OUT / f"step{number}.svg")

# %%
numbers = {f"step{number}_equation": eq for number, eq in enumerate(equations, 1)}
for number, (k, row, col) in enumerate(STEPS, 1):
    numbers[f"step{number}_filter"] = k
    numbers[f"step{number}_row"] = row
    numbers[f"step{number}_col"] = col
numbers["output_values"] = output.astype(int).tolist()
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
