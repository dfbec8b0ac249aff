"""Must D be frozen while G trains? One GAN step taken apart.

Each optimizer holds only its own network's parameters, so `opt_G.step()`
cannot move D. `loss_G.backward()` does fill D's `.grad`, which is why
`opt_D.zero_grad()` comes before D's own backward. `fake.detach()` keeps D's
loss out of G's graph. Some orders of the calls fail, with PyTorch's own
errors, and `retain_graph=True` does not rescue them; `D.requires_grad_(False)`
during G's step only saves work, and leaves D's BatchNorm buffers free to move.
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
import time

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
numbers = {}

# %% [markdown]
# A generator G (noise → one number) and a discriminator D (one number → a logit),
# each with its own optimizer over its own parameters only.

# %%
noise_dim, batch = 4, 64


def mlp(n_in, n_out):
    return nn.Sequential(nn.Linear(n_in, 32), nn.LeakyReLU(0.2),
                         nn.Linear(32, 32), nn.LeakyReLU(0.2),
                         nn.Linear(32, n_out)).to(device)


G = mlp(noise_dim, 1)  # noise -> a sample
D = mlp(1, 1)  # a sample -> a logit: large means "real"
opt_G = torch.optim.Adam(G.parameters(), lr=1e-3)  # G's parameters only
opt_D = torch.optim.Adam(D.parameters(), lr=1e-3)  # D's parameters only
bce = nn.BCEWithLogitsLoss()
ones = torch.ones(batch, 1, device=device)
zeros = torch.zeros(batch, 1, device=device)


def real_batch(n):  # the target: two bumps, at -2 and +2
    side = torch.randint(0, 2, (n, 1), device=device) * 2.0 - 1.0
    return 2.0 * side + 0.5 * torch.randn(n, 1, device=device)


held_by_opt_G = {id(p) for group in opt_G.param_groups for p in group["params"]}
D_in_opt_G = sum(id(p) in held_by_opt_G for p in D.parameters())
print(f"D's tensors held by opt_G: {D_in_opt_G} of {len(list(D.parameters()))}")
# --8<-- [end:setup]
numbers["d_tensors"] = len(list(D.parameters()))
numbers["d_params"] = f"{sum(p.numel() for p in D.parameters()):,}"
numbers["g_params"] = f"{sum(p.numel() for p in G.parameters()):,}"

# %% [markdown]
# G's step, with D left trainable: D's `.grad` fills up, but D's parameters do not move.

# %%
# --8<-- [start:g_step]
real, z = real_batch(batch), torch.randn(batch, noise_dim, device=device)
D_before = [p.detach().clone() for p in D.parameters()]

loss_G = bce(D(G(z)), ones)  # G wants D to call its samples real
opt_G.zero_grad()
loss_G.backward()
print("D's .grad filled:", all(p.grad is not None for p in D.parameters()))
opt_G.step()

D_change = max((p - p0).abs().max().item()
               for p, p0 in zip(D.parameters(), D_before))
print("largest change in D's parameters after opt_G.step():", D_change)
# --8<-- [end:g_step]
numbers["d_change_after_g_step"] = f"{D_change:g}"
leftover = [p.grad.clone() for p in D.parameters()]  # what loss_G left in D's .grad

# %% [markdown]
# D's step. Its `.grad` still holds what `loss_G` put there; `backward()` adds to it.
# With `opt_D.zero_grad()` first, D gets its own gradient; without it, the sum.

# %%
# --8<-- [start:zero_grad]
def d_loss(real, fake):  # detach(): D's loss stops at G's output
    return bce(D(real), ones) + bce(D(fake.detach()), zeros)


fake = G(z)
d_loss(real, fake).backward()  # no zero_grad: adds to what loss_G left
without_zero = torch.cat([p.grad.flatten() for p in D.parameters()])
opt_D.zero_grad()
d_loss(real, fake).backward()
with_zero = torch.cat([p.grad.flatten() for p in D.parameters()])

stale = without_zero - with_zero  # exactly what loss_G left behind
print(f"|stale| / |D's own gradient| = {stale.norm() / with_zero.norm():.2f}")
# --8<-- [end:zero_grad]
numbers["stale_ratio"] = f"{(stale.norm() / with_zero.norm()).item():.2f}"
numbers["stale_equals_leftover"] = f"{(stale - torch.cat([g.flatten() for g in leftover])).abs().max().item():.1e}"

# %% [markdown]
# Without `detach()`, D's loss reaches back into G: G's `.grad` fills up, and the part
# of the graph inside G is freed by that backward, so G's own backward through the
# same `fake` then fails.

# %%
# --8<-- [start:no_detach]
G.zero_grad(set_to_none=True)
fake = G(z)
loss_D = bce(D(real), ones) + bce(D(fake), zeros)  # no detach
opt_D.zero_grad()
loss_D.backward()
print("G's .grad filled:", all(p.grad is not None for p in G.parameters()))
opt_D.step()

loss_G = bce(D(fake), ones)  # a fresh pass through D, but the same `fake`
opt_G.zero_grad()
try:
    loss_G.backward()
except RuntimeError as error:
    second_time = str(error)
    print(type(error).__name__ + ":", second_time)
# --8<-- [end:no_detach]
numbers["error_second_time"] = second_time

# %% [markdown]
# The message suggests `retain_graph=True`. In the notes' order (both losses first, then G's
# step, then D's) that only trades one error for another: `opt_G.step()` rewrites G's weights
# in place, and D's backward, still running into G's graph, finds them changed.

# %%
# --8<-- [start:retain_graph]
fake = G(torch.randn(batch, noise_dim, device=device))
loss_G = bce(D(fake), ones)
loss_D = bce(D(real), ones) + bce(D(fake), zeros)  # no detach
opt_G.zero_grad()
loss_G.backward(retain_graph=True)  # as the message suggests: G's graph is kept
opt_G.step()  # rewrites G's weights in place
opt_D.zero_grad()
try:
    loss_D.backward()  # runs on into G's graph, which saved the old weights
except RuntimeError as error:
    retained = str(error)
    print(type(error).__name__ + ":", retained)
# --8<-- [end:retain_graph]
numbers["error_retain_graph"] = retained

# %% [markdown]
# The orders of calls, tried one after another on the same pair of networks. The notes' order (both
# losses first, then G's zero_grad/backward/step, then D's) works when D's loss
# uses `fake.detach()`.

# %%
# --8<-- [start:orders]
def notes_order(detach):  # both losses first, then G's three calls, then D's
    fake = G(torch.randn(batch, noise_dim, device=device))
    loss_G = bce(D(fake), ones)
    fake_for_D = fake.detach() if detach else fake
    loss_D = bce(D(real), ones) + bce(D(fake_for_D), zeros)
    opt_G.zero_grad(); loss_G.backward(); opt_G.step()
    opt_D.zero_grad(); loss_D.backward(); opt_D.step()


def d_first(recompute):  # D's three calls, then G's
    fake = G(torch.randn(batch, noise_dim, device=device))
    loss_G = bce(D(fake), ones)  # a pass through D before D's step
    loss_D = bce(D(real), ones) + bce(D(fake.detach()), zeros)
    opt_D.zero_grad(); loss_D.backward(); opt_D.step()  # D's weights change
    if recompute:
        loss_G = bce(D(fake), ones)  # a pass through the updated D
    opt_G.zero_grad(); loss_G.backward(); opt_G.step()


outcomes = {}
for name, order, flag in [("notes, detach", notes_order, True),
                          ("notes, no detach", notes_order, False),
                          ("D first, stale", d_first, False),
                          ("D first, recompute", d_first, True)]:
    try:
        order(flag)
        outcomes[name] = "ok"
    except RuntimeError as error:
        outcomes[name] = f"{type(error).__name__}: {error}"
    print(f"{name:18} -> {outcomes[name][:60]}")
# --8<-- [end:orders]
numbers["error_inplace"] = outcomes["D first, stale"].removeprefix("RuntimeError: ")
numbers["notes_no_detach_is_second_time"] = outcomes["notes, no detach"] == f"RuntimeError: {second_time}"
for name, key in [("notes, detach", "notes_detach"), ("notes, no detach", "notes_no_detach"),
                  ("D first, stale", "d_first_stale"), ("D first, recompute", "d_first_recompute")]:
    numbers[f"order_{key}"] = "OK" if outcomes[name] == "ok" else "RuntimeError"

# %% [markdown]
# Freezing D during G's step: G's gradient is the same, D's `.grad` stays `None`,
# and the backward pass skips the matrix products for D's weight gradients.

# %%
# --8<-- [start:freeze]
def g_backward(disc, z, freeze_disc):
    disc.requires_grad_(not freeze_disc)
    G.zero_grad(set_to_none=True)
    disc.zero_grad(set_to_none=True)
    loss_G = bce(disc(G(z)), torch.ones(len(z), 1, device=device))
    with FlopCounterMode(display=False) as counter:
        loss_G.backward()
    disc.requires_grad_(True)
    grads_G = torch.cat([p.grad.flatten() for p in G.parameters()])
    disc_grads = sum(p.grad is not None for p in disc.parameters())
    return grads_G, disc_grads, counter.get_total_flops()


grads_G_free, d_grads_free, flops_free = g_backward(D, z, freeze_disc=False)
grads_G_frozen, d_grads_frozen, flops_frozen = g_backward(D, z, freeze_disc=True)
grad_diff = (grads_G_free - grads_G_frozen).abs().max().item()
print("max |G's gradient, frozen D - trainable D| =", grad_diff)
print(f"D's grad tensors: {d_grads_free} (trainable), {d_grads_frozen} (frozen)")
print(f"backward FLOPs: {flops_free:,} (trainable), {flops_frozen:,} (frozen)")
# --8<-- [end:freeze]
numbers["freeze_g_grad_diff"] = f"{grad_diff:g}"
numbers["d_grads_free"] = d_grads_free
numbers["d_grads_frozen"] = d_grads_frozen
numbers["flops_free"] = f"{flops_free:,}"
numbers["flops_frozen"] = f"{flops_frozen:,}"
numbers["flops_saved_pct"] = f"{100 * (1 - flops_frozen / flops_free):.0f}"

# %% [markdown]
# `requires_grad_(False)` stops gradients, not the forward pass. A D with a BatchNorm layer, in
# training mode, still updates its running statistics (buffers, not parameters) during G's step.

# %%
# --8<-- [start:bn_buffers]
D_bn = nn.Sequential(nn.Linear(1, 32), nn.BatchNorm1d(32), nn.LeakyReLU(0.2),
                     nn.Linear(32, 1)).to(device)
D_bn.requires_grad_(False)  # frozen for G's step
weights_before = [p.clone() for p in D_bn.parameters()]
running_mean_before = D_bn[1].running_mean.clone()

loss_G = bce(D_bn(G(z)), ones)  # a forward pass in training mode
opt_G.zero_grad()
loss_G.backward()
opt_G.step()

weights_moved = max((p - p0).abs().max().item() for p, p0 in zip(D_bn.parameters(), weights_before))
mean_moved = (D_bn[1].running_mean - running_mean_before).abs().max().item()
print("largest change in D's weights:     ", weights_moved)
print(f"largest change in D's running_mean: {mean_moved:.4f}")
# --8<-- [end:bn_buffers]
numbers["bn_weights_moved"] = f"{weights_moved:g}"
numbers["bn_running_mean_moved"] = f"{mean_moved:.4f}"

# %% [markdown]
# The same comparison with a wider D (two hidden layers of 512) and a batch of 1024,
# counted and timed. Times vary from run to run, so only the FLOPs go to the page.

# %%
wide_D = nn.Sequential(nn.Linear(1, 512), nn.LeakyReLU(0.2), nn.Linear(512, 512), nn.LeakyReLU(0.2),
                       nn.Linear(512, 1)).to(device)
z_big = torch.randn(1024, noise_dim, device=device)
for freeze in (False, True):
    _, _, flops = g_backward(wide_D, z_big, freeze_disc=freeze)
    numbers[f"wide_flops_{'frozen' if freeze else 'free'}"] = f"{flops:,}"
    started = time.perf_counter()
    for _ in range(10):
        g_backward(wide_D, z_big, freeze_disc=freeze)
    print(f"wide D, frozen={freeze}: backward FLOPs {flops:,}, "
          f"{1000 * (time.perf_counter() - started) / 10:.1f} ms per forward+backward")
wide_free, wide_frozen = (int(numbers[f"wide_flops_{k}"].replace(",", "")) for k in ("free", "frozen"))
numbers["wide_flops_saved_pct"] = f"{100 * (1 - wide_frozen / wide_free):.0f}"

# %%
(OUT / "numbers.json").write_text(json.dumps(numbers, indent=1, ensure_ascii=False))
print(json.dumps(numbers, indent=1))
