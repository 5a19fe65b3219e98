"""FD, KID, precision/recall, density/coverage and memorisation against cases with known answers."""

import numpy as np
import pytest

from ganlab.metrics import feature_scores, manifold_scores
from ganlab.errors import InputError
from ganlab.metrics.feature_scores import frechet_distance, kernel_inception_distance
from ganlab.metrics.manifold_scores import density_coverage, memorisation, precision_recall


def gaussian(n, d, seed):
    return np.random.default_rng(seed).normal(size=(n, d))


def whitened(n, d, seed):
    """n samples whose sample mean is exactly 0 and sample covariance exactly the identity."""
    x = gaussian(n, d, seed)
    x -= x.mean(axis=0)
    return x @ np.linalg.inv(np.linalg.cholesky(np.cov(x, rowvar=False))).T


def modes(n, which, seed, d=8):
    """A mixture of unit Gaussians around the corners 10 * e_i, i in ``which``: far apart."""
    rng = np.random.default_rng(seed)
    return 10.0 * np.eye(d)[rng.choice(which, n)] + rng.normal(size=(n, d))


# Fréchet distance

def test_fd_of_a_set_with_itself_is_zero():
    x = gaussian(300, 16, 0)
    assert frechet_distance(x, x) == pytest.approx(0.0, abs=1e-9)
    assert frechet_distance(x, x[::-1].astype(np.float32)) == pytest.approx(0.0, abs=1e-4)


def test_fd_of_a_shifted_copy_is_the_squared_shift():
    x, shift = gaussian(400, 6, 1), np.arange(6.0)
    assert frechet_distance(x, x + shift) == pytest.approx(np.sum(shift**2), rel=1e-9)


def test_fd_of_diagonal_covariances_is_the_sum_of_squared_root_differences():
    a, b = np.array([1.0, 4.0, 9.0, 16.0]), np.array([4.0, 1.0, 1.0, 4.0])
    real, fake = whitened(500, 4, 2) * np.sqrt(a), whitened(700, 4, 3) * np.sqrt(b)
    assert frechet_distance(real, fake) == pytest.approx(np.sum((np.sqrt(a) - np.sqrt(b)) ** 2), rel=1e-9)  # 10


def test_fd_of_large_gaussian_samples_is_near_the_closed_form():
    mix = np.random.default_rng(4).normal(size=(3, 3))  # one covariance, mix @ mix.T, for both
    real, fake = gaussian(40_000, 3, 5) @ mix.T, gaussian(40_000, 3, 6) @ mix.T + [1.0, -2.0, 0.5]
    assert frechet_distance(real, fake) == pytest.approx(1.0 + 4.0 + 0.25, abs=0.05)


def test_fd_agrees_with_the_eigenvalues_of_the_non_symmetric_product():
    real = gaussian(200, 5, 7) @ np.random.default_rng(8).normal(size=(5, 5))
    fake = gaussian(300, 5, 9) @ np.random.default_rng(10).normal(size=(5, 5)) + 0.3
    s_r, s_f = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    tr_sqrt = np.sqrt(np.linalg.eigvals(s_r @ s_f).astype(complex)).real.sum()  # as scipy.linalg.sqrtm would give
    mean_diff = real.mean(axis=0) - fake.mean(axis=0)
    expected = mean_diff @ mean_diff + np.trace(s_r) + np.trace(s_f) - 2 * tr_sqrt
    assert frechet_distance(real, fake) == pytest.approx(expected, rel=1e-8)


def test_fd_of_singular_covariances_is_finite_and_right():
    x = gaussian(200, 4, 11)
    x[:, 3] = 0.0  # a feature that never changes (a dead ReLU) ...
    x[:, 2] = x[:, 0] + x[:, 1]  # ... and one that repeats two others: covariance of rank 2
    # y = 2x + 1: covariance 4S, so tr(S + 4S - 2 (4 S^2)^(1/2)) = tr(S); the means differ by mean(x) + 1.
    expected = np.sum((x.mean(axis=0) + 1) ** 2) + np.trace(np.cov(x, rowvar=False))
    # rel=1e-6: the square roots of the rounding-sized eigenvalues of a singular product add ~1e-8.
    assert frechet_distance(x, 2 * x + 1) == pytest.approx(expected, rel=1e-6)


def test_fd_adds_eps_to_both_covariances_when_the_square_root_is_not_finite(monkeypatch):
    seen = []
    original = feature_scores._sqrt_product_eigenvalues

    def first_not_finite(cov_1, cov_2):
        seen.append((cov_1, cov_2))
        return np.full(len(cov_1), np.nan, complex) if len(seen) == 1 else original(cov_1, cov_2)

    monkeypatch.setattr(feature_scores, "_sqrt_product_eigenvalues", first_not_finite)
    x = gaussian(100, 3, 13)
    assert frechet_distance(x, x + 1.0, eps=1e-3) == pytest.approx(3.0, abs=1e-2)
    assert len(seen) == 2
    np.testing.assert_allclose(seen[1][0] - seen[0][0], 1e-3 * np.eye(3), atol=1e-15)
    np.testing.assert_allclose(seen[1][1] - seen[0][1], 1e-3 * np.eye(3), atol=1e-15)


def test_fd_refuses_a_complex_square_root_instead_of_dropping_its_imaginary_part():
    mean = np.zeros(2)
    not_psd = np.diag([4.0, -1.0])  # no set of features has it: sqrt(-1) is imaginary
    with pytest.raises(InputError, match="complex .imaginary part 1\\)"):
        feature_scores._frechet_from_moments(mean, np.eye(2), mean, not_psd)
    rounding = np.diag([4.0, -1e-9])  # a rounding-sized negative eigenvalue: accepted, real part used
    assert feature_scores._frechet_from_moments(mean, np.eye(2), mean, rounding) == pytest.approx(2 + 4 - 2 * 2)


def test_fd_needs_more_samples_than_features():
    with pytest.raises(InputError, match="FD needs at least 129 samples for 128 features; got 50 in fake"):
        frechet_distance(gaussian(200, 128, 0), gaussian(50, 128, 1))


# Kernel inception distance

def test_kid_is_about_zero_for_one_distribution_and_clearly_positive_for_shifted_ones():
    real = gaussian(1000, 8, 20)
    same_mean, same_std = kernel_inception_distance(real, gaussian(1000, 8, 21), subset_size=500)
    shifted_mean, shifted_std = kernel_inception_distance(real, gaussian(1000, 8, 21) + 0.5, subset_size=500)
    assert abs(same_mean) < 2 * same_std
    assert shifted_mean > 10 * shifted_std and shifted_mean > 50 * abs(same_mean)


def test_kid_equals_the_unbiased_mmd_written_out():
    x, y = gaussian(12, 3, 22), gaussian(12, 3, 23) + 0.2

    def k(a, b):
        return (a @ b / 3 + 1) ** 3

    m = len(x)
    within = sum(k(x[i], x[j]) + k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    across = sum(k(x[i], y[j]) for i in range(m) for j in range(m)) / m**2
    mean, std = kernel_inception_distance(x, y, subsets=3, subset_size=50)  # capped at 12: all samples
    assert mean == pytest.approx(within - 2 * across, rel=1e-10) and std == pytest.approx(0.0, abs=1e-12)


def test_kid_needs_two_samples_per_subset():
    with pytest.raises(InputError, match="KID needs at least 2 samples in fake; got 1"):
        kernel_inception_distance(gaussian(10, 3, 0), gaussian(1, 3, 1))
    with pytest.raises(InputError, match="subset_size must be a whole number >= 2"):
        kernel_inception_distance(gaussian(10, 3, 0), gaussian(10, 3, 1), subset_size=1)


# Precision, recall, density, coverage

def test_scores_by_hand_on_a_line():
    real, fake = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([[0.5], [10.0]])
    # k=1: every real ball has radius 1; the fake balls have radius 9.5 and reach all of real.
    assert precision_recall(real, fake, k=1) == (0.5, 1.0)
    # 0.5 lies in the balls of 0 and 1, 10 in none: density 2 / (1 * 2); balls of 0 and 1 hold a sample.
    assert density_coverage(real, fake, k=1) == (1.0, 0.5)


def test_one_distribution_scores_high_on_everything():
    real, fake = modes(1000, [0, 1, 2, 3], 30), modes(1000, [0, 1, 2, 3], 31)
    precision, recall = precision_recall(real, fake)
    density, coverage = density_coverage(real, fake)
    assert precision > 0.8 and recall > 0.8
    assert density == pytest.approx(1.0, abs=0.1)
    assert coverage == pytest.approx(1 - 2**-5, abs=0.03)  # Naeem et al.: about 1 - 2^-k


def test_a_generator_that_drops_half_the_modes_keeps_precision_and_loses_half_the_recall():
    real, fake = modes(1000, [0, 1, 2, 3], 32), modes(1000, [0, 1], 33)
    precision, recall = precision_recall(real, fake)
    density, coverage = density_coverage(real, fake)
    assert precision > 0.8 and 0.35 < recall < 0.55
    assert density > 0.8 and 0.4 < coverage < 0.55


def test_samples_far_from_the_data_score_zero():
    real = modes(500, [0, 1, 2, 3], 34)
    assert precision_recall(real, real + 50.0) == (0.0, 0.0)
    assert density_coverage(real, real + 50.0) == (0.0, 0.0)


def test_scores_do_not_depend_on_the_chunk_size(monkeypatch):
    real, fake, train = modes(300, [0, 1, 2, 3], 35), modes(200, [0, 1], 36), modes(400, [0, 1, 2, 3], 37)
    kid_before = kernel_inception_distance(real, fake, subset_size=200)
    before = precision_recall(real, fake), density_coverage(real, fake), memorisation(fake, train, real)
    monkeypatch.setattr(feature_scores, "_CHUNK_BYTES", 8 * 400 * 7)  # 7 rows per block, the last one short
    after = precision_recall(real, fake), density_coverage(real, fake), memorisation(fake, train, real)
    assert kernel_inception_distance(real, fake, subset_size=200) == pytest.approx(kid_before, rel=1e-9)
    assert before[:2] == after[:2]
    np.testing.assert_array_equal(before[2]["nearest"], after[2]["nearest"])
    assert before[2]["share_close"] == after[2]["share_close"]


# Memorisation

def test_memorisation_flags_copies_of_the_training_set_and_not_new_data():
    train, held_out, new = gaussian(2000, 8, 40), gaussian(500, 8, 41), gaussian(500, 8, 42)
    copies = memorisation(train[100:600], train, held_out)
    assert copies["share_close"] == 1.0 and copies["median_ratio"] == 0.0
    np.testing.assert_array_equal(copies["nearest"], np.arange(100, 600))
    fresh = memorisation(new, train, held_out)
    assert fresh["share_close"] < 0.04 and fresh["expected_share"] == 0.01
    assert fresh["median_ratio"] == pytest.approx(1.0, abs=0.1)
    half = memorisation(np.r_[train[:250], new[:250]], train, held_out)
    assert half["share_close"] == pytest.approx(0.5, abs=0.02)


def test_memorisation_still_flags_copies_when_a_few_held_out_vectors_are_in_train():
    train, new = gaussian(2000, 8, 45), gaussian(490, 8, 46)
    leaky = memorisation(train[:500], train, np.r_[train[-10:], new])  # 2 % of held_out in train: threshold 0
    assert leaky["threshold"] == 0.0 and leaky["share_close"] == 1.0


def test_memorisation_needs_enough_held_out_data_that_is_not_in_train():
    train = gaussian(300, 4, 43)
    with pytest.raises(InputError, match="percentile=1 needs at least 100 samples in held_out; got 50"):
        memorisation(train[:10], train, gaussian(50, 4, 44))
    with pytest.raises(InputError, match="is also in train"):
        memorisation(train[:10], train, train[:200])


# Bad inputs

GOOD = gaussian(20, 3, 50)


@pytest.mark.parametrize("fake, message", [
    (GOOD.reshape(20, 3, 1), r"fake must be a 2-D array of feature vectors \(N, D\), not shape \(20, 3, 1\)"),
    (GOOD.astype(str), "fake must hold real numbers, not <U"),
    (GOOD.astype(complex), "fake must hold real numbers, not complex128"),
    (GOOD > 0, "fake must hold real numbers, not bool"),
    (np.where(np.eye(20, 3) > 0, np.nan, GOOD), "fake holds 3 NaN or inf values"),
    (np.where(np.eye(20, 3) > 0, -np.inf, GOOD), "fake holds 3 NaN or inf values"),
    (GOOD[:, :2], "real and fake must have the same number of features, not 3 and 2"),
    (np.zeros((0, 3)), r"needs at least \d+ samples?( in fake)?; got 0"),
])
@pytest.mark.parametrize("score", [frechet_distance, kernel_inception_distance, precision_recall, density_coverage])
def test_bad_features_are_refused_with_what_to_do(score, fake, message):
    with pytest.raises(InputError, match=message):
        score(GOOD, fake)


@pytest.mark.parametrize("k, message", [
    (20, "k=20 needs at least 21 samples in real; got 20"),
    (0, "k must be a whole number >= 1, not 0"),
    (2.5, "k must be a whole number >= 1, not 2.5"),
])
def test_bad_k_is_refused(k, message):
    with pytest.raises(InputError, match=message):
        precision_recall(GOOD, GOOD, k=k)
    with pytest.raises(InputError, match=message):
        density_coverage(GOOD, GOOD, k=k)


def test_k_is_checked_against_the_fake_set_too():
    with pytest.raises(InputError, match="k=3 needs at least 4 samples in fake; got 3"):
        precision_recall(GOOD, GOOD[:3], k=3)
    assert density_coverage(GOOD, GOOD[:3], k=3)[1] > 0  # density/coverage draw no balls around fake samples


def test_integer_features_are_accepted_as_floats():
    x = np.arange(40).reshape(20, 2)
    assert frechet_distance(x, x + 1) == pytest.approx(2.0)


def test_memorisation_checks_its_three_sets():
    with pytest.raises(InputError, match="samples and train must have the same number of features"):
        memorisation(GOOD[:, :2], GOOD, gaussian(100, 3, 51))
    with pytest.raises(InputError, match="percentile must be between 0 and 100"):
        memorisation(GOOD, GOOD, gaussian(100, 3, 51), percentile=0)
