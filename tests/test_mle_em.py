"""Chapter 3 (maximum likelihood and EM): the claims the pages make, checked on the numbers.json
that the build's run of each snippet wrote (the same files that fill the pages)."""

import json

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


def test_gaussian_mle_divides_by_n(numbers):
    n = numbers["mle_gaussian"]
    assert n["mu_opt"] == n["mu_hat"] and n["var_opt"] == n["var_hat"]
    size = n["n"]
    assert float(n["var_unbiased"]) == pytest.approx(float(n["var_hat"]) * size / (size - 1), abs=2e-4)
    assert float(n["ll_at_mle"]) > float(n["ll_at_unbiased"])
    assert max(abs(float(n["grad_mu"])), abs(float(n["grad_var"]))) < 1e-9
    assert float(n["mean_var_hat"]) == pytest.approx(float(n["theory_mean_var_hat"]), abs=0.03)


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
    assert n["singular_error"].startswith("LinAlgError")


def test_exercise_answers(numbers):
    n = numbers["mle_em_exercises"]
    assert float(n["poisson_lambda"]) == pytest.approx(n["poisson_sum"] / n["poisson_n"])
    assert float(n["poisson_grid"]) == pytest.approx(float(n["poisson_lambda"]), abs=1e-4)
    assert n["weight_em"] == n["weight_grid"]
    assert n["hard_var"] == n["hard_var_ddof0"] != n["hard_var_ddof1"]
