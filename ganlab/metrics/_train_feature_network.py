"""What ``feature_network(..., separate_process=True)`` runs in a child process: train and cache one network.

    python -m ganlab.metrics._train_feature_network DATASET EPOCHS SEED VERBOSE
"""

import sys

from .features import feature_network

if __name__ == "__main__":
    dataset, epochs, seed, verbose = sys.argv[1], *map(int, sys.argv[2:5])
    feature_network(dataset, epochs, seed, verbose=verbose, separate_process=False)
