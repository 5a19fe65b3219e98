"""Measuring GANs: from toy moments to feature scores with a real baseline.

What lives where (everything below is also importable from ``ganlab.metrics`` itself):

- ``toy``: :func:`moments` of 1-D samples and :func:`optimal_discriminator` D*(x)
  (notebooks/01_gan_on_toy_data.ipynb); :func:`ring_scores` of 2-D samples on a ring of
  Gaussians (notebooks/07_losses_and_stability.ipynb);
- ``recognition``: the 11-class MNIST classifier (:func:`mnist_classifier`, :class:`Classifier`,
  :func:`not_digits`), :func:`recognisable_fraction`, :func:`sample_quality` (the measurement
  convention of docs/benchmarks.md) and :func:`shifted` (notebooks/02_dense_mnist_gan.ipynb, 03);
- ``feature_scores``: :func:`frechet_distance` (FD) and :func:`kernel_inception_distance` (KID)
  on feature vectors (N, D);
- ``manifold_scores``: :func:`precision_recall`, :func:`density_coverage` and :func:`memorisation`;
- ``features``: a feature network per dataset (:func:`feature_network`, :class:`FeatureNet`) and
  the one split into images it trains on and images samples are judged against
  (:func:`evaluation_split`; :func:`training_images` loads what a GAN may train on,
  :func:`training_examples` with its labels);
- ``emoji_features``: :func:`emoji_feature_network`, which judges emoji translated into Google's
  style (notebooks/10_unpaired_translation.ipynb, ``benchmarks/translation_quality.py``);
- ``evaluation``: :func:`evaluate`, every score of a generator's samples next to the real baseline,
  and :func:`format_table`;
- ``by_class``: :func:`class_shares` (which classes each group of images falls in) and
  :func:`per_class_scores` (FD, precision, recall class by class) for conditional GANs
  (notebooks/08_conditional_gans.ipynb);
- :func:`cache_dir`: where trained classifiers and feature networks are kept.

>>> from ganlab.metrics import evaluate, format_table                 # doctest: +SKIP
>>> print(format_table(evaluate(gan, "mnist")))                      # doctest: +SKIP
"""

from ._cache import cache_dir
from .by_class import class_shares, per_class_scores
from .emoji_features import emoji_feature_network
from .evaluation import (KNOWN_METRICS, check_metrics, check_sample_count, class_scores, evaluate, format_table,
                       generated_samples)
from .feature_scores import frechet_distance, kernel_inception_distance
from .features import (EvaluationSplit, FeatureNet, build_feature_model, evaluation_split, feature_network,
                       training_examples, training_images)
from .manifold_scores import density_coverage, memorisation, precision_recall
from .recognition import (NOT_A_DIGIT, QUALITY_NOISE_SEED, QUALITY_SAMPLES, Classifier, mnist_classifier,
                          not_digits, recognisable_fraction, sample_quality, shifted)
from .toy import RingScores, moments, optimal_discriminator, ring_centres, ring_scores

__all__ = [
    "class_shares",
    "per_class_scores",
    "KNOWN_METRICS",
    "NOT_A_DIGIT",
    "QUALITY_NOISE_SEED",
    "QUALITY_SAMPLES",
    "Classifier",
    "RingScores",
    "EvaluationSplit",
    "FeatureNet",
    "build_feature_model",
    "cache_dir",
    "check_metrics",
    "check_sample_count",
    "class_scores",
    "density_coverage",
    "emoji_feature_network",
    "evaluate",
    "evaluation_split",
    "feature_network",
    "format_table",
    "frechet_distance",
    "generated_samples",
    "kernel_inception_distance",
    "memorisation",
    "mnist_classifier",
    "moments",
    "not_digits",
    "optimal_discriminator",
    "precision_recall",
    "recognisable_fraction",
    "ring_centres",
    "ring_scores",
    "sample_quality",
    "shifted",
    "training_examples",
    "training_images",
]
