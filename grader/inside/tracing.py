"""The hooks on Keras: `fit`, `evaluate`, `__call__`, `apply_gradients`, `save` and `load_model`.

Each hook calls Keras's own method first and records afterwards; a tracing error becomes a
note (`state.attempt`), never the student's exception.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

from . import describe, fastfit, state
from .facts import Method, ModelRecord
from .keeper import make_epoch_keeper
from .state import FAILED, attempt
from .testsets import XOR_X, XOR_Y, accuracy, load_testset


def patch_training(keras, tf) -> None:
    model_cls = keras.Model
    original_fit = model_cls.fit
    original_evaluate = model_cls.evaluate
    optimizer_cls = keras.optimizers.Optimizer
    original_apply = optimizer_cls.apply_gradients
    original_call = model_cls.__call__

    fit_signature = inspect.signature(original_fit)
    epoch_keeper = make_epoch_keeper(keras)

    def fit(self, *args, **kwargs):
        __tracebackhide__ = True  # IPython leaves the grader's frames out of the student's traceback
        try:
            call = fit_signature.bind(self, *args, **kwargs).arguments
        except TypeError:  # let Keras raise its own error for a wrong call
            return original_fit(self, *args, **kwargs)
        prepared = attempt("fit", prepare_fit, call, epoch_keeper)
        if prepared is FAILED:  # the student's call exactly as written, by Keras's own loop
            history = original_fit(self, *args, **kwargs)
            attempt("fit", lambda: record_fit(self, history, flat_call(call), None, UNTRACED))
            return history
        call, capped, keeper = prepared
        state.current.in_fit += 1
        try:
            history, declined = train(self, call, keeper)
        except (KeyboardInterrupt, state.TimeLimitReached):
            # a time limit stopped training: grade the model as it was at its last finished epoch
            if keeper.epochs:
                attempt("fit", record_stopped, self, keeper, call, capped)
            raise
        finally:
            state.current.in_fit -= 1
        attempt("fit", record_fit, self, history, call, capped, declined)
        return history

    def train(model, call, keeper):
        """Keras's result, by the fast path when it can promise it; (history, why not or None)."""
        __tracebackhide__ = True
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
            except Exception as exc:  # a grader bug before training began: Keras's own loop trains
                state.note_hook_failure("fast path", exc)
                keeper.declined = fastfit.Declined("the fast path failed ({error})",
                                                   error=f"{type(exc).__name__}: {exc}"[:200]).as_fact()
        return original_fit(model, **call), keeper.declined

    def evaluate(self, *args, **kwargs):
        __tracebackhide__ = True
        if state.current.in_fit:  # Keras's fit validating, or an evaluate inside one: not the student's call
            return original_evaluate(self, *args, **kwargs)
        state.current.in_fit += 1
        try:
            result = original_evaluate(self, *args, **kwargs)
        finally:
            state.current.in_fit -= 1
        attempt("evaluate", record_evaluate, self, result)
        return result

    def apply_gradients(self, grads_and_vars, *args, **kwargs):
        __tracebackhide__ = True
        if state.current.in_fit:
            return original_apply(self, grads_and_vars, *args, **kwargs)
        pairs = list(grads_and_vars)  # a zip is read once: Keras gets the very pairs the grader saw
        result = original_apply(self, pairs, *args, **kwargs)
        attempt("custom loop", note_loop_step, self, [v for _, v in pairs])
        return result

    def call(self, *args, **kwargs):
        __tracebackhide__ = True
        # custom loops never show the grader their inputs except here: keep one training batch
        attempt("model call", keep_first_batch, self, args, kwargs)
        return original_call(self, *args, **kwargs)

    model_cls.fit = fit
    model_cls.evaluate = evaluate
    model_cls.__call__ = call
    optimizer_cls.apply_gradients = apply_gradients


UNTRACED = fastfit.Declined("the grader's fit hook failed").as_fact()  # why such a fit ran by Keras's loop


def flat_call(bound: dict[str, Any]) -> dict[str, Any]:
    """A bound `fit` call as one dict of its arguments (the model and the `**kwargs` unpacked)."""
    call = {k: v for k, v in bound.items() if k not in ("self", "kwargs")}
    call.update(bound.get("kwargs") or {})
    return call


def prepare_fit(bound: dict[str, Any], epoch_keeper) -> tuple[dict[str, Any], dict[str, Any] | None, Any]:
    """The grader's copy of a `fit` call: --quick's caps, the epoch keeper among its callbacks."""
    call = flat_call(bound)
    capped = cap_training(call) if state.current.quick else None
    keeper = epoch_keeper(call)
    return call, capped, keeper


def record_evaluate(model, result) -> None:
    """What the student's own `evaluate()` said (a list, a number, or `return_dict=True`'s dict)."""
    record = state.current.by_model.get(id(model))
    if record is not None:
        values = list(result.values()) if isinstance(result, dict) else result
        record["student_evaluate"] = describe.floats(values)
        state.current.write()


def keep_first_batch(model, args, kwargs) -> None:
    if args and kwargs.get("training") and id(model) not in state.current.call_samples and not state.current.in_fit:
        keep_sample(model, args[0])


def patch_saving(keras) -> None:
    """Record model.save(...) and load_model(...) so the save/load part is judged on what ran."""
    import keras.src.saving.saving_api as saving_api

    model_cls = keras.Model
    original_save = model_cls.save
    original_load = saving_api.load_model

    def save(self, filepath, *args, **kwargs):
        __tracebackhide__ = True
        result = original_save(self, filepath, *args, **kwargs)
        attempt("save", record_save, self, filepath)
        return result

    def load_model(filepath, *args, **kwargs):
        __tracebackhide__ = True
        model = original_load(filepath, *args, **kwargs)
        attempt("load_model", record_load, model, filepath)
        return model

    state.current.original_save = original_save  # the grader's own saves must not count as the student's
    model_cls.save = save
    saving_api.load_model = load_model
    for module in (keras.models, keras.saving, tf_keras_models()):
        if module is not None and hasattr(module, "load_model"):
            module.load_model = load_model


def record_save(model, filepath) -> None:
    record = state.current.by_model.get(id(model))
    state.current.saves.append({"file": os.path.basename(str(filepath)), "model": record["index"] if record else None})
    state.current.write()


def record_load(model, filepath) -> None:
    state.current.loads.append({"file": os.path.basename(str(filepath))})
    state.current.loaded.add(id(model))
    state.current.write()


def tf_keras_models():
    try:
        import keras._tf_keras.keras.models as tf_keras_models

        return tf_keras_models
    except ImportError:
        return None


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
    """One optimizer step of a custom loop (inside `@tf.function`, only its tracing: the step count
    then comes from the optimizer's own `iterations` at the end, `optimizer_steps`)."""
    key = (id(optimizer), tuple(sorted(id(v) for v in variables)))
    loop = state.current.loops.get(key)
    if loop is None:
        model = describe.owner_of(variables)
        loop = {"optimizer": optimizer, "variables": variables, "model": model, "steps": 0,
                "cell": state.cell_number(), "losses": [], "iterations_before": optimizer_steps(optimizer)}
        state.current.loops[key] = loop
    loop["steps"] += 1


def optimizer_steps(optimizer) -> int:
    """The optimizer's own step counter, read eagerly even while a `tf.function` is being traced."""
    import tensorflow as tf

    with tf.init_scope():
        return int(optimizer.iterations.numpy())


def keep_sample(model, x) -> None:
    """A first training batch, when it holds values (a `tf.function` being traced passes symbols)."""
    import numpy as np

    try:
        x = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    except Exception:  # a symbolic tensor inside tf.function
        return
    if x.dtype.kind in "fiub" and x.ndim >= 2:
        state.current.call_samples[id(model)] = x[:state.SAMPLE_ROWS]


def record_loop(loop: dict[str, Any], namespace: dict[str, Any] | None = None) -> None:
    """Describe and save (or measure) the model a custom loop trained. Its inputs come from the first
    training batch it was called on; a loop compiled by `tf.function` showed none, so they are
    taken from the MNIST-shaped arrays in the student's namespace (their scaling, not which split)."""
    model = loop["model"]
    optimizer = loop["optimizer"]
    try:
        loop["steps"] = max(loop["steps"], optimizer_steps(optimizer) - loop.get("iterations_before", 0))
    except Exception:  # an optimizer without a step counter: the traced steps stand
        pass
    if model is None:
        record: ModelRecord = {"name": "tf.Variable list", "method": "custom_loop", "layers": [], "history": {},
                               "epochs": 0, "steps": loop["steps"], "cell": loop["cell"],
                               "params": int(sum(int(v.numpy().size) for v in loop["variables"])),
                               "optimizer": type(optimizer).__name__,
                               "learning_rate": describe.learning_rate(optimizer)}
        record["index"] = len(state.current.records)
        state.current.records.append(record)
        return
    record = state.current.by_model.get(id(model)) or new_record(model, "custom_loop")
    record["name"] = describe.name_in(namespace or {}, model) or record["name"]
    record["steps"] = loop["steps"]
    record["cell"] = loop["cell"]
    record["optimizer"] = type(optimizer).__name__
    record["learning_rate"] = describe.learning_rate(optimizer)
    sample = state.current.call_samples.get(id(model))
    guessed = sample is None and namespace is not None
    if guessed:
        sample = describe.sample_for(model, describe.input_arrays(namespace))
    describe.describe(model, record, sample)
    if guessed:
        record.pop("trained_on", None)  # the arrays were found, not seen being trained on
    save_or_measure(model, record)


def new_record(model, method: Method) -> ModelRecord:
    """A model's record in the facts document (facts.ModelRecord), kept by the model's id."""
    record: ModelRecord = {"index": len(state.current.records), "method": method, "history": {}, "epochs": 0,
                           "cell": state.cell_number(), "name": describe.name_of(model)}
    state.current.records.append(record)
    state.current.by_model[id(model)] = record
    state.current.objects[id(model)] = model
    return record


def save_or_measure(model, record: dict[str, Any]) -> None:
    """Models the clean process can rebuild are saved for it; the others are measured here, and
    the record says why in one sentence."""
    why = describe.why_not_portable(model)
    if why is None:
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
    record["measure_note"] = f"measured inside the student process: {why}"


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
