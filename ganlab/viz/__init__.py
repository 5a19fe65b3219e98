"""Plots: image grids, training curves, 1-D densities, animations of training.

Introduced in notebooks/01_gan_on_toy_data.ipynb and notebooks/02_dense_mnist_gan.ipynb;
animate_grids in notebooks/04_dcgan.ipynb, translation_grid in notebooks/09_pix2pix.ipynb.
Every plotting function returns the matplotlib Figure (Jupyter shows it).
"""

from .animation import animate_grids
from .curves import gaussian_kde, plot_density_1d, plot_history, plot_progress
from .grids import (_grid, grid_evolution, image_grid, image_grids, plot_class_counts, save_image_grid,
                    save_translation_grid, translation_grid)

__all__ = ["animate_grids", "gaussian_kde", "grid_evolution", "image_grid", "image_grids", "plot_class_counts",
           "plot_density_1d", "plot_history", "plot_progress", "save_image_grid", "save_translation_grid",
           "translation_grid"]
