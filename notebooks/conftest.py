"""pytest (nbval) runs the course's notebooks only: NN_topic.ipynb, not a learner's "-Copy1" duplicate."""

import re

COURSE_NOTEBOOK = re.compile(r"\d\d_[a-z0-9_]+\.ipynb")


def pytest_ignore_collect(collection_path, config):
    if collection_path.suffix == ".ipynb" and not COURSE_NOTEBOOK.fullmatch(collection_path.name):
        return True
    return None
