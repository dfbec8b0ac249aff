"""Chapter 0 (meeting-questions): the snippets prove what the page says, and the two pages mirror each other.

Each q_* snippet runs once in this process (torch is imported once), in a temporary
folder; the tests then read the numbers.json it wrote.
"""

import json
import math
import os
import re
import runpy
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = sorted((ROOT / "snippets").glob("q_*.py"))
PAGES = {lang: ROOT / "docs" / lang / "meeting-questions.md" for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """run(name) -> (numbers, seconds of CPU time); each snippet runs at most once."""
    cache = {}

    def _run(name):
        if name not in cache:
            out = tmp_path_factory.mktemp(name)
            saved = {key: os.environ.get(key) for key in ("SNIPPET_OUT", "SNIPPET_LANG", "MPLBACKEND")}
            os.environ.update(SNIPPET_OUT=str(out), SNIPPET_LANG="en", MPLBACKEND="Agg")
            import torch

            threads = torch.get_num_threads()
            started = time.process_time()
            try:
                runpy.run_path(str(ROOT / "snippets" / f"{name}.py"), run_name="__main__")
            finally:
                torch.set_num_threads(threads)  # the training snippets ask for one thread
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
                import matplotlib.pyplot as plt

                plt.close("all")
            cache[name] = (json.loads((out / "numbers.json").read_text()), time.process_time() - started,
                           sorted(p.name for p in out.glob("*.svg")))
        return cache[name]

    return _run


def as_float(text):
    return float(str(text).replace(",", "").rstrip("%"))


def test_gan_freeze_facts(run):
    numbers, _, _ = run("q_gan_freeze")
    assert numbers["d_change_after_g_step"] == "0"
    assert numbers["freeze_g_grad_diff"] == "0"
    assert numbers["d_grads_frozen"] == 0 and numbers["d_grads_free"] == numbers["d_tensors"]
    assert "backward through the graph a second time" in numbers["error_second_time"]
    assert "modified by an inplace operation" in numbers["error_inplace"]
    assert numbers["notes_no_detach_is_second_time"] is True
    assert (numbers["order_notes_detach"], numbers["order_notes_no_detach"],
            numbers["order_d_first_stale"], numbers["order_d_first_recompute"]) == (
        "OK", "RuntimeError", "RuntimeError", "OK")
    assert as_float(numbers["flops_frozen"]) < as_float(numbers["flops_free"])
    assert as_float(numbers["wide_flops_saved_pct"]) > 30


def test_gan_train_reaches_two_ln_two_quickly(run):
    numbers, cpu_seconds, figures = run("q_gan_train")
    assert abs(as_float(numbers["loss_D_last"]) - 2 * math.log(2)) < 0.05
    assert abs(as_float(numbers["D_real_last"]) - 0.5) < 0.05
    assert abs(as_float(numbers["D_fake_last"]) - 0.5) < 0.05
    assert 0.3 < as_float(numbers["share_right"]) < 0.7  # both bumps are covered
    assert as_float(numbers["mean_left"]) < -1.5 and as_float(numbers["mean_right"]) > 1.5
    assert as_float(numbers["std_left"]) < 0.5 and as_float(numbers["std_right"]) < 0.5  # "narrower"
    assert cpu_seconds < 30, f"the GAN loop took {cpu_seconds:.1f} s of CPU time"
    assert figures == ["gan_1d.svg"]


def test_contrastive(run):
    numbers, _, _ = run("q_contrastive")
    assert as_float(numbers["loop_max_diff"]) < 1e-5
    for n in (4, 16, 64, 256, 1024):
        assert abs(as_float(numbers[f"random_{n}_t10"]) - math.log(n)) < 0.05
        assert as_float(numbers[f"random_{n}_t01"]) > math.log(n)
    assert as_float(numbers["tiny_loss"]) < as_float(numbers["tiny_loss_shuffled"])
    assert as_float(numbers["hard_share_t01"]) > as_float(numbers["hard_share_t10"])


def test_autoencoder_and_retrieval_learn(run):
    auto, _, _ = run("q_autoencoder")
    assert as_float(auto["error_after"]) < as_float(auto["error_before"]) / 10
    retrieval, _, _ = run("q_retrieval")
    for k in (1, 5, 10):
        assert as_float(retrieval[f"r{k}_after"]) > 10 * as_float(retrieval[f"r{k}_chance"])
    assert retrieval["top5_after"].startswith("[7,")


def test_label_map_and_losses(run):
    label_map, _, _ = run("q_label_map")
    assert (label_map["one_hot_shape"], label_map["input_shape"]) == ("(4, 24, 32)", "(1, 5, 24, 32)")
    losses, _, _ = run("q_losses")
    assert (losses["l1_best"], losses["l2_best"]) == ("0.00", "0.30")
    assert abs(as_float(losses["sat_grad_minimax"])) < 0.01 < 0.99 < abs(as_float(losses["sat_grad_nonsat"]))


def test_exercise_answers(run):
    numbers, _, _ = run("q_exercises")
    assert numbers["ex1_bce"] == f"{2 * math.log(2):.4f}" and numbers["ex1_ls"] == "0.2500"
    assert numbers["ex2_loss"] == numbers["ex2_log256"] == f"{math.log(256):.4f}"
    assert numbers["ex3_elements"] == f"{36 * 1024 * 2048:,}"
    assert abs(as_float(numbers["ex4_simulated"]) - 0.02) < 0.005


def structure(text):
    return {
        "headings": re.findall(r"^(#{2,3}) .*?(\{#[\w-]+\})?$", text, flags=re.M),
        "includes": re.findall(r'--8<-- "([^"]+)"', text),
        "figures": re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text),
        "numbers": re.findall(r"\{\{\s*\w+\.\w+\s*\}\}", text),
        "admonitions": re.findall(r"^\s*(!!!|\?\?\?) (\w+)", text, flags=re.M),
        "links": re.findall(r"\]\(((?:snippets|notebooks)/[^)]+|[\w-]+\.md#[\w-]+)\)", text),
    }


def test_pages_mirror_each_other():
    zh, en = (structure(PAGES[lang].read_text(encoding="utf-8")) for lang in ("zh", "en"))
    for key in zh:
        assert zh[key] == en[key], key


def test_every_snippet_is_used_and_every_number_exists(run):
    text = PAGES["en"].read_text(encoding="utf-8")
    for snippet in SNIPPETS:
        assert f"snippets/{snippet.stem}.py" in text, snippet.stem
    for name, key in set(re.findall(r"\{\{\s*(\w+)\.(\w+)\s*\}\}", text)):
        assert key in run(name)[0], f"{name}.{key}"
