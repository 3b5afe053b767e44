"""What Colab gives a student's code, and what the grading environment gives it: the one list.

Students write their labs in Colab, so a grading run must have the libraries course code takes
from Colab's preinstalled set. `GRADING_LIBRARIES` is that set: each entry is installed by the `tf`
extra of pyproject.toml (tests/test_colab_env.py holds the two together and imports each one in
the grading environment). `COLAB_MODULES` is the wider set Colab preinstalls: a student's import
of one of them that the grader lacks is reported as exactly that, not as a bare ModuleNotFoundError.

Colab's versions are those of its runtime as googlecolab/backend-info listed it in August 2026
(Python 3.13, tensorflow 2.20.0, keras 3.13.2, tf_keras 2.20.1, ipykernel 6.17.1, ipython 7.34.0,
jupyter_client 7.4.9). Grading runs on the pinned pair below, one minor ahead of Colab's: the
report states it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Library:
    """A library course code imports from Colab's preinstalled set, as the grader installs it."""

    distribution: str  # its name on PyPI
    module: str  # what the student imports
    requirement: str  # the `tf` extra's line for it
    colab: str  # the version Colab runs (or the line it follows)
    used_for: str


COLAB_RUNTIME = "Colab, August 2026: Python 3.13, TensorFlow 2.20.0, Keras 3.13.2"
COLAB_PAIR = ("2.20", "3.13")  # the TensorFlow and Keras minors of Colab's runtime
GRADING_PAIR = ("2.21", "3.15")  # the TensorFlow and Keras minors grading runs on (the `tf` extra pins them)

GRADING_LIBRARIES: tuple[Library, ...] = (
    Library("tensorboard", "tensorboard", "tensorboard==2.21.*", "2.20 (released with TensorFlow)",
            "tf.summary writers and the TensorBoard callback in the season-2 labs"),
    Library("matplotlib", "matplotlib", "matplotlib>=3.7", "3.10", "plotting loss curves and digits"),
    Library("pandas", "pandas", "pandas>=2.2,<3", "2.2 (google-colab pins it)", "tables of results, CSV reading"),
    Library("scikit-learn", "sklearn", "scikit-learn>=1.6", "1.6", "train_test_split, confusion matrices"),
    Library("pillow", "PIL", "pillow>=11", "11", "loading one's own digit images"),
)

# top-level import names Colab preinstalls (its pip-freeze), beyond the standard library
COLAB_MODULES: frozenset[str] = frozenset({
    "absl", "albumentations", "bs4", "cv2", "flax", "gdown", "gensim", "google", "graphviz", "h5py",
    "imageio", "imgaug", "IPython", "ipywidgets", "jax", "joblib", "kaggle", "keras", "librosa", "lightgbm",
    "matplotlib", "missingno", "networkx", "nltk", "numba", "numpy", "openpyxl", "optax", "pandas", "PIL",
    "plotly", "pydot", "requests", "scipy", "seaborn", "skimage", "sklearn", "spacy", "statsmodels",
    "sympy", "tabulate", "tensorboard", "tensorflow", "tensorflow_datasets", "tensorflow_hub",
    "tensorflow_probability", "tf_keras", "torch", "torchaudio", "torchvision", "tqdm", "xgboost", "xlrd",
    "yaml",
})


def colab_has(module: str) -> bool:
    """Whether `import module` works in Colab without a `pip install` (its top-level package is preinstalled)."""
    return module.split(".")[0] in COLAB_MODULES
