"""VGG-16 in plain torch.nn: every layer's output shape and parameters, and why it is "16".

Configuration D of Simonyan and Zisserman, "Very Deep Convolutional Networks
for Large-Scale Image Recognition" (ICLR 2015): thirteen 3×3 convolution
layers in five blocks, each block closed by 2×2 max pooling, then three fully
connected layers. One forward pass of a single 224×224 image records each
layer's output; the script writes the layer table in three notations
(224×224×64, conv3-64, 64@224×224), counts the parameters, and counts the
layers that have weights.
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
import torch.nn.functional as F
from torch import nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
# --8<-- [end:setup]

# %% [markdown]
# The model: a number is a 3×3 convolution with that many filters (padding 1,
# so the size is kept), "M" a 2×2 max pooling with stride 2 (the size halves).

# %%
# --8<-- [start:model]
CONFIG_D = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
            512, 512, 512, "M", 512, 512, 512, "M"]


class VGG16(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        layers, in_maps = [], 3  # an RGB image has 3 channels
        for item in CONFIG_D:
            if item == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                conv = nn.Conv2d(in_maps, item, kernel_size=3, padding=1)
                layers += [conv, nn.ReLU(inplace=True)]
                in_maps = item  # the depth of the next layer's filters
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Flatten(),  # 7×7×512 maps -> one vector of 25,088 values
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(inplace=True), nn.Dropout(),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(),
            nn.Linear(4096, num_classes),  # softmax is left to the loss
        )

    def forward(self, x):
        return self.classifier(self.features(x))


model = VGG16().to(device).eval()
print(model.features[:5], "...")
# --8<-- [end:model]

# %% [markdown]
# Record each layer's output with forward hooks, for one 224×224 image.

# %%
# --8<-- [start:shapes]
records = []  # (module, output shape), in the order the layers run
def remember(module, inputs, out):
    records.append((module, tuple(out.shape)))


hooks = [m.register_forward_hook(remember) for m in model.modules()
         if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.Linear))]
with torch.no_grad():
    image = torch.randn(1, 3, 224, 224, device=device)
    pooled = model.features(image)  # the conv and pooling layers
    logits = model.classifier(pooled)  # the fc layers
for hook in hooks:
    hook.remove()
print("logits:", tuple(logits.shape))
for module, shape in records[:4]:
    print(f"{type(module).__name__:<10} -> {shape}")
# --8<-- [end:shapes]

# %% [markdown]
# Count the layers: those that hold weights, and those that do not.

# %%
# --8<-- [start:count_layers]
def n_params(module):
    return sum(p.numel() for p in module.parameters())


kinds = {}
for module in model.modules():
    if not isinstance(module, (nn.Sequential, VGG16)):  # skip the containers
        kinds.setdefault(type(module).__name__, []).append(module)
for kind, modules in kinds.items():
    params = sum(n_params(m) for m in modules)
    print(f"{kind:<10} {len(modules):>2} layers, {params:>12,} parameters")
weight_layers = kinds["Conv2d"] + kinds["Linear"]
with_params = [m for m in model.modules() if list(m.parameters(recurse=False))]
print("conv + fc layers:", len(weight_layers))
print("layers that hold parameters:", len(with_params))
# --8<-- [end:count_layers]

# %% [markdown]
# "Has parameters" is not the rule: a BatchNorm layer after every convolution (as in
# torchvision's vgg16_bn) adds 13 layers with a scale γ and a shift β per map, and the
# network is still called VGG-16. On the "meta" device the layers have shapes only.

# %%
# --8<-- [start:count_bn]
with torch.device("meta"):
    bn_layers = [nn.BatchNorm2d(maps) for maps in CONFIG_D if maps != "M"]
bn_params = sum(n_params(m) for m in bn_layers)
print(f"BatchNorm layers: {len(bn_layers)}, {bn_params:,} parameters (γ and β)")
print("layers that would hold parameters:", len(with_params) + len(bn_layers))
print("weight layers (conv + fc), still:", len(weight_layers))
# --8<-- [end:count_bn]

# %% [markdown]
# The totals: convolutions, fully connected layers, all.

# %%
# --8<-- [start:totals]
conv_total = sum(n_params(m) for m in kinds["Conv2d"])
fc_total = sum(n_params(m) for m in kinds["Linear"])
total = n_params(model)
assert conv_total + fc_total == total
first_fc = n_params(kinds["Linear"][0])
print(f"conv: {conv_total:,}  fc: {fc_total:,}  all: {total:,}")
print(f"fc share: {fc_total / total:.1%}; "
      f"the first fc layer alone: {first_fc:,} ({first_fc / total:.1%})")
print(f"float32 weights: {total * 4 / 2**20:.0f} MiB")
# --8<-- [end:totals]

# %% [markdown]
# Parameters are not computation. One output value costs one multiply-accumulate
# (MAC) per weight of its filter, plus one addition for the bias; a filter pays
# that at every position it visits. A MAC is two floating-point operations.

# %%
# --8<-- [start:macs]
macs = {"Conv2d": 0, "Linear": 0}
bias_adds = 0
for module, shape in records:
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        per_output = module.weight[0].numel()  # C_in·n·n weights (fc: its inputs)
        outputs = torch.Size(shape[1:]).numel()  # K·H·W output values (fc: K)
        macs[type(module).__name__] += per_output * outputs
        bias_adds += outputs  # one bias per output value
conv_macs, fc_macs = macs["Conv2d"], macs["Linear"]
total_macs = conv_macs + fc_macs
print(f"MACs per image: conv {conv_macs / 1e9:.2f} G, fc {fc_macs / 1e9:.2f} G, "
      f"all {total_macs / 1e9:.2f} G")
print(f"FLOPs ≈ 2 × MACs = {2 * total_macs / 1e9:.1f} G")
print(f"bias additions: {bias_adds / 1e6:.1f} M ({bias_adds / total_macs:.2%} of the MACs)")
print(f"conv layers: {conv_macs / total_macs:.1%} of the MACs, "
      f"{conv_total / total:.1%} of the parameters")
# --8<-- [end:macs]

# %% [markdown]
# An fc layer is a convolution whose filters are as big as its input: fc6's
# weight matrix, viewed as 4096 filters of 7×7×512, gives the same outputs.

# %%
# --8<-- [start:fc_as_conv]
fc6 = kinds["Linear"][0]
as_filters = fc6.weight.view(4096, 512, 7, 7)  # the same numbers, no copy
with torch.no_grad():
    by_conv = F.conv2d(pooled, as_filters, fc6.bias)  # 4096 maps of 1×1
    by_linear = fc6(pooled.flatten(1))
fc_conv_diff = (by_conv.flatten(1) - by_linear).abs().max().item()
print("conv:", tuple(by_conv.shape), " linear:", tuple(by_linear.shape))
print(f"(512·7·7 + 1)·4096 = {(512 * 7 * 7 + 1) * 4096:,}")
print(f"max |conv - linear| = {fc_conv_diff:.1e}")
# --8<-- [end:fc_as_conv]

# %% [markdown]
# The layer table (headers in the page's language). The "layer" column is the
# paper's notation; the outputs are written height×width×maps, as in most
# figures, and maps@height×width, as in LeNet-5's figure.

# %%
HEADER = {
    "zh": ["#", "层", "滤波器", "输出 H×W×C", "输出 C@H×W", "参数量"],
    "en": ["#", "layer", "filters", "output H×W×C", "output C@H×W", "parameters"],
}[LANG]
LABEL = {"zh": {"input": "输入图像", "conv": "卷积层合计", "fc": "全连接层合计", "all": "全部"},
         "en": {"input": "input image", "conv": "all conv layers", "fc": "all fc layers", "all": "all"}}[LANG]
TIMES = "\u00a0×\u00a0"  # "64 × 3×3×3" with no-break spaces, so that a cell does not wrap


def row(*cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


_, c, h, w = image.shape
lines = [row(*HEADER), row("---:", "---", "---", "---:", "---:", "---:"),
         row("", LABEL["input"], "", f"{h}×{w}×{c}", f"{c}@{h}×{w}", 0)]
count = 0
for module, shape in records:
    if isinstance(module, nn.Conv2d):
        count += 1
        _, c, h, w = shape
        filters = f"{c}{TIMES}3×3×{module.in_channels}"
        lines.append(row(count, f"conv3-{c}", filters, f"{h}×{w}×{c}", f"{c}@{h}×{w}", f"{n_params(module):,}"))
    elif isinstance(module, nn.MaxPool2d):
        _, c, h, w = shape
        lines.append(row("", "maxpool", "", f"{h}×{w}×{c}", f"{c}@{h}×{w}", 0))
    else:  # seen as a convolution: one filter per output, as big as the layer's input (h, w, c)
        count += 1
        filters = f"({shape[1]}{TIMES}{h}×{w}×{c})"
        lines.append(row(count, f"FC-{shape[1]}", filters, shape[1], "—", f"{n_params(module):,}"))
        h, w, c = 1, 1, shape[1]
for key, value in (("conv", conv_total), ("fc", fc_total), ("all", total)):
    lines.append(row("", f"**{LABEL[key]}**", "", "", "", f"**{value:,}**"))
(OUT / "vgg16_table.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
print("\n".join(lines))

# %%
conv_shapes = [shape for module, shape in records if isinstance(module, nn.Conv2d)]
numbers = {
    "conv_total": f"{conv_total:,}",
    "fc_total": f"{fc_total:,}",
    "total": f"{total:,}",
    "total_millions": f"{total / 1e6:.1f}",
    "fc_share": f"{fc_total / total:.1%}",
    "first_fc": f"{first_fc:,}",
    "first_fc_share": f"{first_fc / total:.1%}",
    "weights_mib": f"{total * 4 / 2**20:.0f}",
    "n_weight_layers": len(weight_layers),
    "n_with_params": len(with_params),
    "n_conv": len(kinds["Conv2d"]),
    "n_fc": len(kinds["Linear"]),
    "n_pool": len(kinds["MaxPool2d"]),
    "n_relu": len(kinds["ReLU"]),
    "n_dropout": len(kinds["Dropout"]),
    "pool_params": sum(n_params(m) for m in kinds["MaxPool2d"]),
    "n_with_pool": len(weight_layers) + len(kinds["MaxPool2d"]),
    "conv1_1_shape": str(conv_shapes[0]),
    "last_pool_hwc": f"{pooled.shape[2]}×{pooled.shape[3]}×{pooled.shape[1]}",
    "flatten_size": f"{pooled[0].numel():,}",
    "conv1_1_params": f"{n_params(kinds['Conv2d'][0]):,}",
    "conv5_3_params": f"{n_params(kinds['Conv2d'][-1]):,}",
    "fc_conv_diff": f"{fc_conv_diff:.1e}",
    "fc6_filters": f"{fc6.out_features} × {pooled.shape[2]}×{pooled.shape[3]}×{pooled.shape[1]}",
    "conv_share": f"{conv_total / total:.1%}",
    "conv_gmacs": f"{conv_macs / 1e9:.2f}",
    "fc_gmacs": f"{fc_macs / 1e9:.2f}",
    "conv_mac_share": f"{conv_macs / total_macs:.1%}",
    "total_gmacs": f"{total_macs / 1e9:.2f}",
    "total_gflops": f"{2 * total_macs / 1e9:.1f}",
    "bias_adds_share": f"{bias_adds / total_macs:.2%}",
    "n_bn": len(bn_layers),
    "bn_params": f"{bn_params:,}",
    "n_with_params_bn": len(with_params) + len(bn_layers),
    "conv1_1_hwc": f"{conv_shapes[0][2]}×{conv_shapes[0][3]}×{conv_shapes[0][1]}",
    "conv1_1_at": f"{conv_shapes[0][1]}@{conv_shapes[0][2]}×{conv_shapes[0][3]}",
    "last_pool_shape": str(tuple(pooled.shape)),
    "spatial_sizes": " → ".join(str(size) for size in
                                [image.shape[-1]] + [shape[2] for module, shape in records if isinstance(module, nn.MaxPool2d)]),
    "fc6_inputs": f"{fc6.in_features:,}",
    "fc6_as_conv_shape": str(tuple(by_conv.shape)),
}
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(numbers)
