"""The epoch keeper: a callback the `fit` hook adds, so a time limit cannot zero a model in training.

It keeps a finished epoch's weights and logs, and stands in for Keras's progress bar on long fits.
It runs inside Keras's own loop, so a failure of its own is caught here and noted: an exception
from this callback would otherwise reach the student as if their `fit` had failed.
"""

from __future__ import annotations

import time
from typing import Any

from . import state

QUIET_AFTER_EPOCHS = 100  # longer fits lose Keras's progress bar; the keeper prints a line a second instead


def make_epoch_keeper(keras):
    """`attach(call)`: adds a fresh keeper to the `fit` call's callbacks and returns it.

    The weights are copied at most once a second (`get_weights` costs ~2.4 ms even for the XOR
    net, which would add a tenth to a 10,000-epoch fit); a limit restores the last copy, which is
    at most a second of training old, and the record says which epoch that was."""

    class EpochKeeper(keras.callbacks.Callback):
        def __init__(self, epochs_asked, speak: bool):
            super().__init__()
            self.epochs_asked, self.speak = epochs_asked, speak
            self.weights, self.epochs, self.logs = None, 0, []
            self.declined: dict | None = None  # why Keras's own loop runs this fit (None: the fast path)
            self._spoken = self._copied = 0.0

        def on_epoch_end(self, epoch, logs=None):
            try:
                self.logs.append(dict(logs or {}))
                keep_epoch(self, self.model, epoch + 1)
            except Exception as exc:
                state.note_hook_failure("epoch keeper", exc)
            try:
                say_epoch(self, epoch + 1, logs or {})
            except Exception as exc:
                state.note_hook_failure("status line", exc)

        def chunk_end(self, model, done: int, chunk_logs: list[dict], verbose, steps) -> None:
            """The fast path finished epochs `done - len(chunk_logs) + 1 .. done`: keep and speak
            as `on_epoch_end` would, with the chunk's own epoch lines where Keras would print them."""
            try:
                self.logs.extend(chunk_logs)
                keep_epoch(self, model, done)
            except Exception as exc:
                state.note_hook_failure("epoch keeper", exc)
            if verbose == 2:  # the student's own output: Keras would print these lines
                for offset, logs in enumerate(chunk_logs):
                    values = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
                    print(f"Epoch {done - len(chunk_logs) + offset + 1}/{self.epochs_asked}\n"
                          f"{steps}/{steps} - {values}", flush=True)
            else:
                try:
                    say_epoch(self, done, chunk_logs[-1] if chunk_logs else {})
                except Exception as exc:
                    state.note_hook_failure("status line", exc)

    def attach(call: dict[str, Any]):
        epochs = call.get("epochs", 1)
        verbose = call.get("verbose", "auto")
        # Keras's per-step bar (1, "auto") over thousands of epochs is megabytes of output that
        # crowds out the student's own: one line per epoch up to QUIET_AFTER_EPOCHS, then a line a second
        quiet = verbose in (1, "auto") and isinstance(epochs, int) and epochs > QUIET_AFTER_EPOCHS
        if state.current.live:  # the student's own session prints what Keras prints
            quiet = False
        elif verbose in (1, "auto"):
            call["verbose"] = 0 if quiet else 2
        keeper = EpochKeeper(epochs, speak=quiet)
        callbacks = call.get("callbacks")
        call["callbacks"] = [*(callbacks if isinstance(callbacks, (list, tuple)) else
                               [callbacks] if callbacks is not None else []), keeper]
        return keeper

    return attach


def keep_epoch(keeper, model, done: int) -> None:
    """Copy the weights after epoch `done`, at most once a second."""
    now = time.monotonic()
    if keeper.weights is None or now - keeper._copied >= 1.0:
        keeper.weights, keeper.epochs, keeper._copied = model.get_weights(), done, now


def say_epoch(keeper, done: int, logs: dict) -> None:
    """The status line of a long, quiet fit: `[grader] Epoch 3412/10000 - loss: 0.0123`, once a second."""
    if keeper.speak and time.monotonic() - keeper._spoken >= 1.0:
        keeper._spoken = time.monotonic()
        loss = logs.get("loss")
        tail = f" - loss: {float(loss):.4f}" if isinstance(loss, (int, float)) else ""
        print(f"[grader] Epoch {done}/{keeper.epochs_asked}{tail}", flush=True)
