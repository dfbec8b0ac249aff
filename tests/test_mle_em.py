"""Chapter 3 (maximum likelihood and EM): the claims the pages make, checked on the numbers.json
that the build's run of each snippet wrote (the same files that fill the pages)."""

import json
import math

import pytest


SNIPPETS = ["mle_bernoulli", "mle_gaussian", "em_gmm_1d", "em_gmm_2d", "em_collapse", "mle_em_exercises"]


@pytest.fixture(scope="module")
def numbers(kernel_run):
    return {name: json.loads((kernel_run(name) / "numbers.json").read_text()) for name in SNIPPETS}


def test_bernoulli_numerical_maximum_is_k_over_n(numbers):
    n = numbers["mle_bernoulli"]
    p_hat = n["k"] / n["n"]
    assert float(n["p_hat"]) == pytest.approx(p_hat)
    assert float(n["p_grid"]) == pytest.approx(p_hat, abs=5e-5)
    assert float(n["optimiser_error"]) < 1e-6
    assert abs(float(n["slope_at_p_hat"])) < 1e-9
    assert n["likelihood_many"] == "0.0"  # the product underflows, the log does not
    assert float(n["log_likelihood_many"]) < -700


def test_fisher_information_gives_the_standard_error(numbers):
    n = numbers["mle_bernoulli"]
    p_hat, size = n["k"] / n["n"], n["n"]
    assert float(n["observed_information"]) == pytest.approx(size / (p_hat * (1 - p_hat)), abs=0.01)
    assert float(n["standard_error"]) == pytest.approx((p_hat * (1 - p_hat) / size) ** 0.5, abs=1e-4)
    for size in (20, 2000):  # the simulated spread of p_hat matches 1/sqrt(I(p)) within 3 %
        assert float(n[f"sim_sd_{size}"]) == pytest.approx(float(n[f"fisher_sd_{size}"]), rel=0.03)
    coverage = {size: float(n[f"coverage_{size}"].rstrip("%")) for size in (20, 2000)}
    assert coverage[20] < 94.0  # short of the nominal 95 % in a small sample
    assert 94.0 < coverage[2000] < 96.0  # close to it in a large one


def test_cross_entropy_is_a_negative_log_likelihood(numbers):
    n = numbers["mle_bernoulli"]
    assert n["bce_p_hat"] == n["neg_ll_over_n"]
    assert n["cross_entropy"] == n["categorical_nll"]


def test_gaussian_mle_divides_by_n(numbers):
    n = numbers["mle_gaussian"]
    assert n["mu_opt"] == n["mu_hat"] and n["var_opt"] == n["var_hat"]
    size = n["n"]
    assert float(n["var_unbiased"]) == pytest.approx(float(n["var_hat"]) * size / (size - 1), abs=2e-4)
    assert float(n["ll_at_mle"]) > float(n["ll_at_unbiased"])
    assert max(abs(float(n["grad_mu"])), abs(float(n["grad_var"]))) < 1e-9
    assert float(n["mean_var_hat"]) == pytest.approx(float(n["theory_mean_var_hat"]), abs=0.03)


def test_invariance_and_mse_as_gaussian_nll(numbers):
    n = numbers["mle_gaussian"]
    assert float(n["sigma_grid"]) == pytest.approx(float(n["sigma_hat"]), abs=1e-4)
    assert float(n["sigma_hat"]) == pytest.approx(float(n["var_hat"]) ** 0.5, abs=1e-4)
    assert float(n["mean_sigma_hat"]) < float(n["sigma_true"]) - 0.05  # biased low, with margin
    assert n["gaussian_nll"] == n["torch_nll"] == n["nll_from_mse"]
    assert float(n["gradient_gap"]) < 1e-12


def test_em_1d_is_monotone_and_agrees_with_torch(numbers):
    n = numbers["em_gmm_1d"]
    assert float(n["smallest_step"]) > 0
    assert n["loglik_final"] == n["loglik_torch"]
    assert float(n["loglik_difference"]) < 1e-8
    assert float(n["largest_gradient"]) < 1e-3 < float(n["start_gradient"])


def test_em_2d_reaches_several_local_maxima(numbers):
    n = numbers["em_gmm_2d"]
    finals = [float(v) for v in n["finals"].split(", ")]
    assert len(finals) == n["runs"]
    assert n["distinct_count"] >= 2
    assert float(n["smallest_step"]) > 0
    assert float(n["best"]) == max(finals) and float(n["worst"]) == min(finals)
    assert float(n["point_difference"]) < 1e-9


def test_kmeans_is_hard_em(numbers):
    n = numbers["em_gmm_2d"]
    share = [float(n[f"hard_share_{s}"].rstrip("%")) for s in ("1", "03", "01")]
    assert share[0] < 80 and share[2] > 99  # soft at s = 1, hard at s = 0.1
    assert share == sorted(share)
    assert float(n["kmeans_agreement"].rstrip("%")) > 90
    assert float(n["em_truth"].rstrip("%")) > float(n["kmeans_truth"].rstrip("%")) + 0.5  # EM recovers more


def test_bic_picks_five_components(numbers):
    n = numbers["em_gmm_2d"]
    log_liks = [float(n[f"bic_loglik_{k}"]) for k in range(1, 8)]
    assert log_liks == sorted(log_liks)  # the likelihood alone always wants more components
    bic = {k: float(n[f"bic_{k}"]) for k in range(1, 8)}
    assert min(bic, key=bic.get) == n["bic_best_k"] == n["K"]
    assert float(n["bic_margin"]) > 10


def test_collapse_is_unbounded_and_the_floor_bounds_it(numbers):
    n = numbers["em_collapse"]
    assert float(n["growth"]) == pytest.approx(1.0, abs=1e-3)  # log L grows like -log sigma
    sigma_lls = [float(n[f"sigma_ll_e{e}"]) for e in (0, 2, 4, 8)]
    assert sigma_lls == sorted(sigma_lls)
    assert n["collapse_var_3"] == "0.0"  # the unguarded variance reaches exactly zero
    floor_lls = [float(n[f"floor_ll_e{e}"]) for e in (2, 4, 6, 8)]
    assert floor_lls == sorted(floor_lls)  # a lower floor, a higher spike
    assert float(n["floor_ll_step"]) == pytest.approx(2.3026, abs=0.01)  # log(100) / 2
    assert n["restarts"] >= 2
    assert n["floor_steps"] == 200 and n["floor_flat_from"] < 20  # runs to the cap, flat long before it
    assert n["singular_error"].startswith("LinAlgError")


def test_exercise_answers(numbers):
    n = numbers["mle_em_exercises"]
    assert float(n["poisson_lambda"]) == pytest.approx(n["poisson_sum"] / n["poisson_n"])
    assert float(n["poisson_grid"]) == pytest.approx(float(n["poisson_lambda"]), abs=1e-4)
    assert n["weight_em"] == n["weight_grid"]
    assert n["hard_var"] == n["hard_var_ddof0"] != n["hard_var_ddof1"]
    assert float(n["resp"]) == pytest.approx(1 / (1 + math.exp(-float(n["resp_log_ratio"]))), abs=1e-3)
    assert float(n["resp2"]) == pytest.approx(1 / (1 + math.exp(-float(n["resp2_log_ratio"]))), abs=1e-3)
