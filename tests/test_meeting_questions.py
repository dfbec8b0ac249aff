"""Chapter 0 (meeting questions): the facts the page states, checked against what the build's run
of each q_* snippet wrote (numbers.json, figures, and the seconds the run took)."""

import json
import math

import pytest

from scripts import runner


@pytest.fixture(scope="module")
def run(kernel_run):
    """run(name) -> (numbers, CPU seconds the build's run took, the SVG figures it wrote), in English,
    the numbers and figures on both kernel sets (conftest.py)."""

    def _run(name):
        folder = kernel_run(name)
        seconds = json.loads((runner.BUILD / name / "timing.json").read_text())["cpu_seconds"]
        return (json.loads((folder / "numbers.json").read_text()), seconds,
                sorted(p.name for p in folder.glob("*.svg")))

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
    assert "modified by an inplace operation" in numbers["error_retain_graph"]  # retain_graph=True is no cure
    assert numbers["notes_no_detach_is_second_time"] is True
    assert (numbers["order_notes_detach"], numbers["order_notes_no_detach"],
            numbers["order_d_first_stale"], numbers["order_d_first_recompute"]) == (
        "OK", "RuntimeError", "RuntimeError", "OK")
    assert as_float(numbers["flops_frozen"]) < as_float(numbers["flops_free"])
    assert as_float(numbers["wide_flops_saved_pct"]) > 30
    # a frozen D with BatchNorm: its weights stay put during G's step, its running_mean moves
    assert numbers["bn_weights_moved"] == "0" and as_float(numbers["bn_running_mean_moved"]) > 1e-3


def test_gan_train_reaches_two_ln_two_quickly(run):
    numbers, cpu_seconds, figures = run("q_gan_train")
    assert abs(as_float(numbers["loss_D_last"]) - 2 * math.log(2)) < 0.05
    assert abs(as_float(numbers["D_real_last"]) - 0.5) < 0.05
    assert abs(as_float(numbers["D_fake_last"]) - 0.5) < 0.05
    assert 0.35 < as_float(numbers["share_right"]) < 0.65  # both peaks are found
    assert as_float(numbers["mean_left"]) < -1 and as_float(numbers["mean_right"]) > 1
    assert cpu_seconds < 60, f"the GAN loops took {cpu_seconds:.1f} CPU seconds"  # "under a minute"
    assert figures == ["gan_1d.svg"]


def test_gan_seeds_all_reach_two_ln_two_yet_learn_different_bumps(run):
    numbers, _, _ = run("q_gan_train")
    assert numbers["seeds"] >= 4
    assert as_float(numbers["seed_loss_D_max_gap"]) < 0.03  # "within ... of 2 ln 2" in every run
    assert 0.35 < as_float(numbers["seed_share_min"]) and as_float(numbers["seed_share_max"]) < 0.65
    centres = as_float(numbers["seed_mean_min"]), as_float(numbers["seed_mean_max"])
    spreads = as_float(numbers["seed_std_min"]), as_float(numbers["seed_std_max"])
    assert centres[1] - centres[0] > 0.1  # they differ from run to run
    off_centre, off_spread = max(abs(c - 2) for c in centres), max(abs(s - 0.5) for s in spreads)
    assert off_centre > 0.15  # and from the target
    assert off_centre > 1.5 * off_spread  # "mainly in where they sit"


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
    assert retrieval["top5_after"].startswith(f"[{retrieval['example']},")  # "its own image first"


def test_label_map_and_losses(run):
    label_map, _, _ = run("q_label_map")
    assert (label_map["one_hot_shape"], label_map["input_shape"]) == ("(4, 24, 32)", "(1, 5, 24, 32)")
    losses, _, _ = run("q_losses")
    assert (losses["l1_best"], losses["l2_best"]) == ("0.00", "0.30")
    assert abs(as_float(losses["sat_grad_minimax"])) < 0.01 < 0.99 < abs(as_float(losses["sat_grad_nonsat"]))
    # feature matching: loss_G.backward() fills D's .grad, yet only G moves under opt_G.step()
    assert as_float(losses["fm_d_grad_norm"]) > 1e-3
    assert losses["fm_d_moved"] == "0" and as_float(losses["fm_g_moved"]) > 1e-4


def test_exercise_answers(run):
    numbers, _, _ = run("q_exercises")
    assert numbers["ex1_bce"] == f"{2 * math.log(2):.4f}" and numbers["ex1_ls"] == "0.2500"
    assert numbers["ex2_loss"] == numbers["ex2_log256"] == f"{math.log(256):.4f}"
    assert numbers["ex3_elements"] == f"{36 * 1024 * 2048:,}"
    assert abs(as_float(numbers["ex4_simulated"]) - 0.02) < 0.005


def test_segmentation_losses(run):
    numbers, cpu_seconds, figures = run("q_segmentation_losses")
    assert (numbers["n_object"], numbers["n_background"], numbers["n_ignored"]) == (16, 540, 20)
    assert as_float(numbers["ce_miss"]) < 0.95 * as_float(numbers["ce_find"])  # cross-entropy prefers the miss
    assert as_float(numbers["dice_find"]) < 0.9 * as_float(numbers["dice_miss"])  # Dice and focal do not
    assert as_float(numbers["focal_find"]) < 0.1 * as_float(numbers["focal_miss"])
    assert as_float(numbers["share_ce"]) < 50 < 90 < as_float(numbers["share_focal"])
    assert cpu_seconds < 10 and figures == ["segmentation_losses.svg"]


def test_text_retrieval(run):
    numbers, cpu_seconds, _ = run("q_text_retrieval")
    assert numbers["toy_recall"] == "0.667" and as_float(numbers["toy_ap_early"]) > as_float(numbers["toy_ap_late"])
    # BM25 sees only the literal word: one of three car documents for "automobile", two of four for "kitten"
    assert (numbers["bm25_automobile_recall"], numbers["bm25_kitten_ap"]) == ("0.333", "0.500")
    assert as_float(numbers["dense_automobile_recall"]) > 0.9 and as_float(numbers["dense_kitten_ap"]) > 0.99
    assert numbers["dense_kitten_recall"] == "0.750"  # recall@3 of four relevant items is capped at 3/4
    assert as_float(numbers["dense_map"]) > as_float(numbers["bm25_map"]) + 0.1
    assert cpu_seconds < 10
