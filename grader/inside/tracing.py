"""The hooks on Keras: `fit`, `evaluate`, `__call__`, `apply_gradients`, `save` and `load_model`.

Each hook calls Keras's own method first and records afterwards; a tracing error becomes a
note (`state.guard`), never the student's exception.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

from . import describe, fastfit, state
from .testsets import XOR_X, XOR_Y, accuracy, load_testset


def patch_training(keras, tf) -> None:
    model_cls = keras.Model
    original_fit = model_cls.fit
    original_evaluate = model_cls.evaluate
    optimizer_cls = keras.optimizers.Optimizer
    original_apply = optimizer_cls.apply_gradients

    fit_signature = inspect.signature(original_fit)
    epoch_keeper = make_epoch_keeper(keras)

    def fit(self, *args, **kwargs):
        try:
            call = fit_signature.bind(self, *args, **kwargs).arguments
        except TypeError:  # let Keras raise its own error for a wrong call
            return original_fit(self, *args, **kwargs)
        call.pop("self", None)
        call.update(call.pop("kwargs", {}))
        capped = cap_training(call) if state.current.quick else None
        keeper = epoch_keeper(call)
        state.current.in_fit += 1
        try:
            history, declined = train(self, call, keeper)
        except (KeyboardInterrupt, state.TimeLimitReached):
            # a time limit stopped training: grade the model as it was at its last finished epoch
            if keeper.epochs:
                state.guard(record_stopped, self, keeper, call, capped)
            raise
        finally:
            state.current.in_fit -= 1
        state.guard(record_fit, self, history, call, capped, declined)
        return history

    def train(model, call, keeper):
        """Keras's result, by the fast path when it can promise it; (history, why not or None)."""
        if state.current.live:
            keeper.declined = fastfit.Declined("the student's own session trains with Keras's own loop").as_fact()
        else:
            keeper.declined = fastfit.Declined("acceleration is turned off (--faithful)").as_fact()
        if state.current.accelerate:
            try:
                keeper.declined = None
                return fastfit.fit_fast(model, call, keeper, keras, tf), None
            except fastfit.Declined as exc:
                keeper.declined = exc.as_fact()
        return original_fit(model, **call), keeper.declined

    def evaluate(self, *args, **kwargs):
        state.current.in_fit += 1
        try:
            result = original_evaluate(self, *args, **kwargs)
        finally:
            state.current.in_fit -= 1
        record = state.current.by_model.get(id(self))
        if record is not None:
            record["student_evaluate"] = describe.floats(result)
            state.guard(state.current.write)
        return result

    def apply_gradients(self, grads_and_vars, *args, **kwargs):
        if state.current.in_fit:
            return original_apply(self, grads_and_vars, *args, **kwargs)
        pairs = list(grads_and_vars)
        result = original_apply(self, pairs, *args, **kwargs)
        state.guard(note_loop_step, self, [v for _, v in pairs])
        return result

    original_call = model_cls.__call__

    def call(self, *args, **kwargs):
        # custom loops never show the grader their inputs except here: keep one training batch
        if args and kwargs.get("training") and id(self) not in state.current.call_samples and not state.current.in_fit:
            state.guard(keep_sample, self, args[0])
        return original_call(self, *args, **kwargs)

    model_cls.fit = fit
    model_cls.evaluate = evaluate
    model_cls.__call__ = call
    optimizer_cls.apply_gradients = apply_gradients


def patch_saving(keras) -> None:
    """Record model.save(...) and load_model(...) so the save/load part is judged on what ran."""
    import keras.src.saving.saving_api as saving_api

    model_cls = keras.Model
    original_save = model_cls.save
    original_load = saving_api.load_model

    def save(self, filepath, *args, **kwargs):
        result = original_save(self, filepath, *args, **kwargs)
        record = state.current.by_model.get(id(self))
        state.current.saves.append({"file": os.path.basename(str(filepath)), "model": record["index"] if record else None})
        state.guard(state.current.write)
        return result

    def load_model(filepath, *args, **kwargs):
        model = original_load(filepath, *args, **kwargs)
        state.current.loads.append({"file": os.path.basename(str(filepath))})
        state.current.loaded.add(id(model))
        state.guard(state.current.write)
        return model

    state.current.original_save = original_save  # the grader's own saves must not count as the student's
    model_cls.save = save
    saving_api.load_model = load_model
    for module in (keras.models, keras.saving, tf_keras_models()):
        if module is not None and hasattr(module, "load_model"):
            module.load_model = load_model


def tf_keras_models():
    try:
        import keras._tf_keras.keras.models as tf_keras_models

        return tf_keras_models
    except ImportError:
        return None


QUIET_AFTER_EPOCHS = 100  # longer fits lose Keras's progress bar; the keeper prints a line a second instead


def make_epoch_keeper(keras):
    """A callback class that keeps a finished epoch's weights and the logs (so a time limit cannot
    zero a model that was training), and stands in for Keras's progress bar on long fits.

    The weights are copied at most once a second (`get_weights` costs ~2.4 ms even for the XOR
    net, which would add a tenth to a 10,000-epoch fit); a limit restores the last copy, which is
    at most a second of training old, and the record says which epoch that was."""
    import time

    class EpochKeeper(keras.callbacks.Callback):
        def __init__(self, epochs_asked, speak: bool):
            super().__init__()
            self.epochs_asked, self.speak = epochs_asked, speak
            self.weights, self.epochs, self.logs = None, 0, []
            self.declined: dict | None = None  # why Keras's own loop runs this fit (None: the fast path)
            self._spoken = self._copied = 0.0

        def on_epoch_end(self, epoch, logs=None):
            self.logs.append(dict(logs or {}))
            self._keep(self.model, epoch + 1)
            self._say(epoch + 1, logs or {})

        def chunk_end(self, model, done: int, chunk_logs: list[dict], verbose, steps) -> None:
            """The fast path finished epochs `done - len(chunk_logs) + 1 .. done`: keep and speak
            as `on_epoch_end` would, with the chunk's own epoch lines where Keras would print them."""
            self.logs.extend(chunk_logs)
            self._keep(model, done)
            if verbose == 2:
                for offset, logs in enumerate(chunk_logs):
                    values = " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())
                    print(f"Epoch {done - len(chunk_logs) + offset + 1}/{self.epochs_asked}\n"
                          f"{steps}/{steps} - {values}", flush=True)
            else:
                self._say(done, chunk_logs[-1] if chunk_logs else {})

        def _keep(self, model, done: int) -> None:
            now = time.monotonic()
            if self.weights is None or now - self._copied >= 1.0:
                self.weights, self.epochs, self._copied = model.get_weights(), done, now

        def _say(self, done: int, logs: dict) -> None:
            if self.speak and time.monotonic() - self._spoken >= 1.0:
                self._spoken = time.monotonic()
                loss = logs.get("loss")
                tail = f" - loss: {float(loss):.4f}" if isinstance(loss, (int, float)) else ""
                print(f"[grader] Epoch {done}/{self.epochs_asked}{tail}", flush=True)

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


def record_stopped(model, keeper, call: dict[str, Any], capped: dict[str, Any] | None) -> None:
    """The model put back to its last finished epoch, recorded and saved like a finished fit."""
    from types import SimpleNamespace

    model.set_weights(keeper.weights)
    history = {}
    for logs in keeper.logs[:keeper.epochs]:
        for key, value in logs.items():
            history.setdefault(key, []).append(value)
    record_fit(model, SimpleNamespace(history=history, epoch=list(range(keeper.epochs))), call, capped,
               keeper.declined)
    record = state.current.by_model.get(id(model))
    if record is not None:
        record["stopped"] = {"epoch": keeper.epochs, "of": keeper.epochs_asked}
        state.current.write()


def record_fit(model, history, call: dict[str, Any], capped: dict[str, Any] | None,
               declined: dict[str, Any] | None = None) -> None:
    x = call.get("x")
    sample = describe.sample_inputs(x)
    record = state.current.by_model.get(id(model))
    if record is None:
        record = new_record(model, "fit")
    hist = getattr(history, "history", {}) or {}
    for key, values in hist.items():
        record["history"].setdefault(key, []).extend(describe.floats(values))
    record["epochs"] += len(getattr(history, "epoch", []) or [])
    batch = call.get("batch_size")
    if batch is None and sample is not None and not describe.is_dataset(x):
        batch = 32  # Keras's default for arrays
    record["batch_size"] = batch if isinstance(batch, int) else record.get("batch_size")
    if capped:
        record["capped"] = capped
    # every fit of this model by the fast path, or the first reason one was not
    if declined is None:
        record.setdefault("accelerated", True)
    elif record.get("accelerated", True):
        record["accelerated"], record["not_accelerated"] = False, declined
    describe.describe(model, record, sample)
    save_or_measure(model, record)
    state.current.write()


def cap_training(call: dict[str, Any]) -> dict[str, Any] | None:
    """--quick: fewer epochs and fewer samples, applied to the call, never to the student's code."""
    quick = state.current.quick
    asked_epochs = call.get("epochs", 1)
    capped: dict[str, Any] = {}
    if isinstance(asked_epochs, int) and asked_epochs > quick["max_epochs"]:
        call["epochs"] = quick["max_epochs"]
        capped["epochs"] = asked_epochs
    x, limit = call.get("x"), quick["max_samples"]
    if describe.is_dataset(x):
        call["x"] = x.take(max(1, limit // 32))
        capped["samples"] = "dataset"
    elif hasattr(x, "__len__") and hasattr(x, "shape") and len(x) > limit:
        capped["samples"] = len(x)
        call["x"] = x[:limit]
        for key in ("y", "sample_weight"):
            value = call.get(key)
            if hasattr(value, "__len__") and hasattr(value, "shape") and len(value) == capped["samples"]:
                call[key] = value[:limit]
    return capped or None


def note_loop_step(optimizer, variables) -> None:
    key = (id(optimizer), tuple(sorted(id(v) for v in variables)))
    loop = state.current.loops.get(key)
    if loop is None:
        model = describe.owner_of(variables)
        loop = {"optimizer": optimizer, "variables": variables, "model": model, "steps": 0,
                "cell": state.cell_number(), "losses": []}
        state.current.loops[key] = loop
    loop["steps"] += 1


def keep_sample(model, x) -> None:
    if hasattr(x, "numpy"):
        try:
            x = x.numpy()
        except Exception:  # symbolic tensor inside tf.function
            return
    if hasattr(x, "shape") and len(getattr(x, "shape", ())) >= 2:
        state.current.call_samples[id(model)] = x[:state.SAMPLE_ROWS]


def record_loop(loop: dict[str, Any]) -> None:
    model = loop["model"]
    optimizer = loop["optimizer"]
    if model is None:
        record = {"name": "tf.Variable list", "method": "custom_loop", "layers": [], "history": {},
                  "epochs": 0, "steps": loop["steps"], "cell": loop["cell"],
                  "params": int(sum(int(v.numpy().size) for v in loop["variables"])),
                  "optimizer": type(optimizer).__name__, "learning_rate": describe.learning_rate(optimizer)}
        record["index"] = len(state.current.records)
        state.current.records.append(record)
        return
    record = state.current.by_model.get(id(model)) or new_record(model, "custom_loop")
    record["steps"] = loop["steps"]
    record["cell"] = loop["cell"]
    record["optimizer"] = type(optimizer).__name__
    record["learning_rate"] = describe.learning_rate(optimizer)
    describe.describe(model, record, state.current.call_samples.get(id(model)))
    save_or_measure(model, record)


def new_record(model, method: str) -> dict[str, Any]:
    record: dict[str, Any] = {"index": len(state.current.records), "method": method, "history": {}, "epochs": 0,
                              "cell": state.cell_number(), "name": describe.name_of(model)}
    state.current.records.append(record)
    state.current.by_model[id(model)] = record
    state.current.objects[id(model)] = model
    return record


def save_or_measure(model, record: dict[str, Any]) -> None:
    """Standard-Keras models are saved for the grader's clean process; others are measured here."""
    if describe.is_portable(model):
        name = f"model{record['index']}.keras"
        # written whole, then renamed: the measuring process may read it as soon as it appears
        partial = state.current.out_dir / f"model{record['index']}.partial.keras"
        (state.current.original_save or type(model).save)(model, partial)
        os.replace(partial, state.current.out_dir / name)
        record["artifact"] = name
        return
    record["artifact"] = None
    dataset = record.get("dataset", "unknown")
    if dataset not in ("mnist", "xor") or "transform" not in record and dataset == "mnist":
        record["measure_note"] = "not measured: unknown input format"
        return
    x, y = load_testset(dataset, state.current.data_path, record.get("transform", {}))
    outputs = model(x, training=False) if dataset == "xor" else model.predict(x, batch_size=1000, verbose=0)
    record["in_process_accuracy"] = accuracy(describe.numpy(outputs), y)
    record["measure_note"] = "measured inside the student process: the model uses the student's own classes"


def record_function(name: str, namespace: dict[str, Any]) -> None:
    """Raw tf.Variable code has no model object: measure the student's own prediction function."""
    target: Any = namespace
    for part in name.split("."):
        target = target.get(part) if isinstance(target, dict) else getattr(target, part, None)
        if target is None:
            return
    if not callable(target):
        return
    import tensorflow as tf

    x = tf.constant(XOR_X)
    try:
        outputs = target(x)
    except TypeError:
        outputs = target(x, 0)  # Lab 09-2 style: neural_net(features, step)
    acc = accuracy(describe.numpy(outputs), XOR_Y)
    state.current.records.append({
        "index": len(state.current.records), "name": f"{name}()", "method": "custom_loop", "function": name,
        "dataset": "xor", "layers": [], "history": {}, "epochs": 0,
        "steps": sum(loop["steps"] for loop in state.current.loops.values() if loop["model"] is None),
        "in_process_accuracy": acc,
        "measure_note": f"measured by calling {name}() on the XOR truth table inside the student process"})
