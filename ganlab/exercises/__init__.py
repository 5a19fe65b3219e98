"""Feedback for the notebooks' exercises, one module per notebook.

Each check prints "Correct!" or "Not yet: <what to fix>" and returns True or False; a
check never raises, so a notebook with an unfinished exercise still runs to the end.

- ``ganlab.exercises.setup``: notebooks/00_setup.ipynb
- ``ganlab.exercises.toy``: notebooks/01_gan_on_toy_data.ipynb
- ``ganlab.exercises.dense``: notebooks/02_dense_mnist_gan.ipynb
- ``ganlab.exercises.clinic``: notebooks/03_debugging_gan_code.ipynb
- ``ganlab.exercises.dcgan``: notebooks/04_dcgan.ipynb
- ``ganlab.exercises.engineering``: notebooks/05_training_engineering.ipynb
- ``ganlab.exercises.evaluation``: notebooks/06_evaluating_gans.ipynb
- ``ganlab.exercises.stability``: notebooks/07_losses_and_stability.ipynb
- ``ganlab.exercises.conditional``: notebooks/08_conditional_gans.ipynb
"""
