"""What to change in a part to rewrite: one hint per kind of failed criterion (rules.Criterion.name),
the first failed one speaking. Worded in the reader's language when shown (feedback/catalogue.py)."""

from __future__ import annotations

from typing import Sequence

from grader.message import Message, msg

_BY_CRITERION: dict[str, Message] = {
    "layers": msg("build the model from `layers.Dense(...)` layers, as the notes do"),
    "hidden_units": msg("give the model the hidden layers the part lists: one `layers.Dense(units, "
                        "activation=...)` per hidden layer"),
    "hidden_count": msg("give the model the number of hidden `layers.Dense` layers the part asks for"),
    "hidden_width": msg("make every hidden `layers.Dense` at least as wide as the part asks"),
    "hidden_activation": msg("give each hidden `layers.Dense` the activation the part names, e.g. `activation='relu'`"),
    "output_units": msg("end with one output unit per class: `layers.Dense(10, activation='softmax')` for the digits"),
    "output_activation": msg("give the output layer the activation the part names, e.g. `activation='softmax'`"),
    "initializer": msg("pass the initialiser to each hidden layer: `kernel_initializer='he_normal'` for He, "
                       "`'glorot_uniform'` for Xavier"),
    "dropout": msg("put `layers.Dropout(0.3)` right after each hidden `layers.Dense` (and none in a part "
                   "without dropout)"),
    "batchnorm": msg("put `layers.BatchNormalization()` between each hidden Dense (without an activation) and "
                     "its `layers.ReLU()`"),
    "optimizer": msg("compile with the optimizer the part names, e.g. `model.compile(optimizer='adam', ...)`"),
    "epochs": msg("train for at least the epochs the part asks: `model.fit(..., epochs=N)`"),
    "accuracy": msg("train longer (more `epochs`) and scale the inputs as the notes do (`x / 255`); the grader "
                    "measures the model on the test set itself"),
}
TRAINED_ON_TEST = msg("train on the training images (`train_x`, `train_y`): the test images are for measuring")
NOT_ATTEMPTED = msg("build and train (`model.fit`) a model of this part's kind")


def hint_for_criteria(failed: Sequence[str], trained_on_test: bool = False) -> Message | None:
    """The hint of the first failed criterion, or None when nothing failed."""
    if trained_on_test and "accuracy" in failed:
        return TRAINED_ON_TEST
    for name in failed:
        if name in _BY_CRITERION:
            return _BY_CRITERION[name]
    return None
