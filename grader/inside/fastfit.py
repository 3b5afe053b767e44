"""The training fast path: many epochs of the model's own `train_step` in one compiled loop.

Keras's `fit` spends about 27 ms of Python per epoch (a new iterator, callbacks, metric resets,
log conversion) and about a millisecond per step; on the course's XOR net that is over 95 % of
the run. `fit_fast` gives the same weights and the same per-epoch history as Keras's own loop
for the calls it accepts, and declines the others *before touching the model*, returning the
reason, so the caller runs Keras's loop instead.

Why the result is the same, each point checked here rather than assumed:
- the batches are Keras's own: the same `TFEpochIterator` that `fit` builds is read for one
  epoch, then read again from a fresh iterator and compared. With a random seed set (the
  runtime always sets one), Keras 3 draws the same shuffle every epoch; a pipeline whose epochs
  differ is declined;
- each step is the model's own, unmodified `train_step` (a subclass's own step is declined);
- the bookkeeping is Keras's: metrics reset per epoch, the epoch's logs read after its last
  step with the key order of `get_metrics_result`, validation by the model's own `test_step` on
  Keras's unshuffled batches, and a real `History` fed epoch by epoch.
`tests/test_fastfit.py` trains a matrix of models both ways and compares weights bit for bit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

MAX_HELD_BYTES = 1 << 30  # one epoch of batches is held in memory (MNIST's training set: 0.2 GB)
CHUNK_S = 0.5  # epochs are run in compiled chunks of about this long, so status, keeper and alarms keep up
COMPARED_BATCHES = 32  # of the second pass over Keras's pipeline (all of them for smaller epochs)
MAX_GROUPS = 4  # runs of equal-shape batches in an epoch (full batches, then the partial one)
_UNSUPPORTED_ARGS = ("class_weight", "sample_weight", "steps_per_epoch", "validation_steps")


class Declined(Exception):
    """The fast path cannot promise Keras's result for this call. `template` (English, a
    str.format pattern, translated by the grader's catalogue) and `values` say why."""

    def __init__(self, template: str, **values: Any):
        super().__init__(template.format(**values))
        self.template, self.values = template, values

    def as_fact(self) -> dict[str, Any]:
        return {"id": self.template, "values": {k: str(v) for k, v in self.values.items()}}


def fit_fast(model, call: dict[str, Any], keeper, keras, tf) -> Any:
    """Train as `model.fit(**call)` would and return its History, or raise `Declined` having
    changed nothing that Keras's own `fit` would not change the same way."""
    check_call(model, call, keeper, keras)
    try:
        plan = _prepare(model, call, keras, tf)  # reads and builds only what Keras's fit would
    except Declined:
        raise
    except Exception as exc:
        raise Declined("the fast path failed ({error})", error=f"{type(exc).__name__}: {exc}"[:200]) from None
    # a failure in the middle (a grader bug, or an error of the student's that only shows when a
    # step runs) puts every variable back and declines: Keras's own loop then says it in its words
    variables = {id(v): v for v in [*model.variables, *model.optimizer.variables]}.values()
    saved = [(v, v.numpy()) for v in variables]
    try:
        return _train(model, plan, keeper, keras, tf)
    except Declined:
        raise
    except Exception as exc:
        for variable, value in saved:
            variable.assign(value)
        raise Declined("the fast path failed ({error})", error=f"{type(exc).__name__}: {exc}"[:200]) from None


def check_call(model, call: dict[str, Any], keeper, keras) -> None:
    """The applicability rule, from the call and the model alone (nothing is built or read)."""
    from keras.src.backend.tensorflow.trainer import TensorFlowTrainer
    from keras.src.trainers.data_adapters import array_data_adapter

    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", False):
        raise Declined("the model is not compiled")
    for name in _UNSUPPORTED_ARGS:
        if call.get(name) is not None:
            raise Declined("{name} is set", name=name)
    if call.get("validation_freq", 1) != 1:
        raise Declined("validation_freq is not 1")
    if model.run_eagerly:
        raise Declined("run_eagerly is on")
    if model.jit_compile:
        raise Declined("jit_compile is on")
    if getattr(model, "_distribute_strategy", None) is not None:
        raise Declined("a distribution strategy is set")
    if not isinstance(model.optimizer, keras.optimizers.Optimizer):
        raise Declined("the optimizer {name} is not a Keras optimizer", name=type(model.optimizer).__name__)
    for method in ("train_step", "test_step", "compute_metrics", "reset_metrics", "get_metrics_result"):
        if getattr(type(model), method) is not getattr(TensorFlowTrainer, method):
            raise Declined("the model defines its own {method}", method=method)
    callbacks = [c for c in _callback_list(call.get("callbacks")) if c is not keeper]
    if callbacks:
        raise Declined("a callback is given ({name})", name=type(callbacks[0]).__name__)
    epochs = call.get("epochs", 1)
    if not isinstance(epochs, int) or isinstance(epochs, bool) or not isinstance(call.get("initial_epoch", 0), int):
        raise Declined("epochs is not a whole number")
    x, y = call.get("x"), call.get("y")
    if x is None or not array_data_adapter.can_convert_arrays((x, y)):
        raise Declined("the input is a {kind}, not arrays", kind=type(x).__name__)
    validation = call.get("validation_data")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise Declined("validation_data is not an (x, y) pair")
        if not array_data_adapter.can_convert_arrays(tuple(validation)):
            raise Declined("validation_data is not arrays")


def _callback_list(callbacks) -> list:
    if callbacks is None:
        return []
    return list(callbacks) if isinstance(callbacks, (list, tuple)) else [callbacks]


@dataclass(frozen=True)
class _Plan:
    """What one fast fit runs: the epoch's batches (grouped by shape), validation's, the log keys."""

    groups: list  # [(structure, stacked leaves, batch count)], an epoch in Keras's order
    val_groups: list | None  # the same for the validation data; None without it
    keys: list[str]  # the metric names of the logs, in the order the compiled loop reports them
    spec: Any  # element_spec of Keras's training dataset (the static batch shapes)
    val_spec: Any
    epochs: int
    initial_epoch: int
    steps: int  # batches per epoch, as Keras counts them
    verbose: Any  # the call's verbose, for the epoch lines Keras would print


def _prepare(model, call: dict[str, Any], keras, tf) -> _Plan:
    from keras.src.backend import config as backend_config
    from keras.src.backend.tensorflow.trainer import TFEpochIterator
    from keras.src.trainers.data_adapters import array_slicing

    x, y = call.get("x"), call.get("y")
    validation = call.get("validation_data")
    split = call.get("validation_split") or 0.0
    if split and validation is None:  # as Keras does: the last fraction of the arrays
        (x, y, _), validation = array_slicing.train_validation_split((x, y, None), validation_split=split)
        validation = validation[:2]
    epochs = call.get("epochs", 1)
    limit = backend_config.max_epochs()
    if limit and limit < epochs:
        epochs = limit
    batch_size = call.get("batch_size")
    try:
        iterator = TFEpochIterator(x=x, y=y, batch_size=batch_size, shuffle=call.get("shuffle", True),
                                   distribute_strategy=model.distribute_strategy,
                                   steps_per_execution=model.steps_per_execution)
    except Exception as exc:  # Keras's own fit will raise the student's error in its own words
        raise Declined("Keras refused the input ({error})", error=type(exc).__name__) from None
    groups, first = _read_epoch(iterator._distributed_dataset, iterator.num_batches, tf)
    val_groups = val_spec = None
    if validation is not None:
        val_iterator = TFEpochIterator(x=validation[0], y=validation[1],
                                       batch_size=call.get("validation_batch_size") or batch_size, shuffle=False,
                                       distribute_strategy=model.distribute_strategy,
                                       steps_per_execution=model.steps_per_execution)
        val_groups, _ = _read_epoch(val_iterator._distributed_dataset, val_iterator.num_batches, tf)
        val_spec = val_iterator._distributed_dataset.element_spec
    try:
        model._symbolic_build(data_batch=first)  # what Keras's first trace would create, made now
    except Exception as exc:
        raise Declined("the model could not be built ({error})", error=type(exc).__name__) from None
    keys = sorted(_metric_results(model))
    return _Plan(groups=groups, val_groups=val_groups, keys=keys,
                 spec=iterator._distributed_dataset.element_spec, val_spec=val_spec, epochs=epochs,
                 initial_epoch=getattr(model, "_initial_epoch", None) or call.get("initial_epoch", 0),
                 steps=iterator.num_batches, verbose=call.get("verbose", "auto"))


def _read_epoch(dataset, count: int | None, tf) -> tuple[list, Any]:
    """One epoch of Keras's batches as groups `(structure, stacked leaves, count)` of equal shape,
    and its first batch; declined if a second pass over a fresh iterator differs (the shuffle
    would change between epochs) or the epoch is too large to hold. `count`: the batches Keras
    says an epoch has (its pipeline's own cardinality is unknown)."""
    groups = _read_stacked(dataset, count, tf) if count else None
    if groups is None:
        groups = _read_one_by_one(dataset, tf)
    if not groups:
        raise Declined("the input has no batches")
    if len(groups) > MAX_GROUPS:
        raise Declined("the batches change shape too often")
    held = sum(int(leaf.shape.num_elements()) * leaf.dtype.size for _, leaves, _ in groups
               for leaf in leaves if leaf is not None)
    if held > MAX_HELD_BYTES:
        raise Declined("the training data is too large to hold one epoch in memory")
    batches = [(leaves, index) for _, leaves, count in groups for index in range(count)]
    position = 0
    for element in dataset:  # a fresh pass: the same batches, or Keras would shuffle anew each epoch
        if position >= COMPARED_BATCHES:  # a new shuffle shows in the first batches already
            break
        if position >= len(batches) or not _same(tf.nest.flatten(element), *batches[position], tf):
            raise Declined("the shuffle differs between epochs (no random seed is set)")
        position += 1
    structure, leaves, _ = groups[0]
    first = tf.nest.pack_sequence_as(structure, [None if leaf is None else leaf[0] for leaf in leaves])
    return groups, first


def _same(leaves, stacked, index, tf) -> bool:
    return all((a is None and b is None) or (a is not None and b is not None and bool(tf.reduce_all(a == b[index])))
               for a, b in zip(leaves, stacked))


def _read_stacked(dataset, count: int, tf) -> list | None:
    """The epoch in one or two reads, stacked by tf.data itself: all batches, or all but Keras's
    partial last one and that one (a batch size unknown in the dataset's spec means there is one).
    None when the pipeline is not of that form (then it is read batch by batch)."""
    try:
        spec = dataset.element_spec
        leaves = tf.nest.flatten(spec)
        if count <= 0 or not leaves or any(not isinstance(leaf, tf.TensorSpec) or leaf.shape.rank is None
                                           or leaf.shape.rank == 0 for leaf in leaves):
            return None
        if all(leaf.shape[0] is not None for leaf in leaves):
            return [(spec, tf.nest.flatten(next(iter(dataset.batch(count)))), count)]
        if count == 1:
            return [(spec, tf.nest.flatten(next(iter(dataset.batch(1)))), 1)]
        head = tf.nest.flatten(next(iter(dataset.take(count - 1).batch(count - 1))))
        tail = tf.nest.flatten(next(iter(dataset.skip(count - 1).batch(1))))
        return [(spec, head, count - 1), (spec, tail, 1)]
    except (tf.errors.OpError, TypeError, ValueError, StopIteration):  # shapes differ among the full batches
        return None


def _read_one_by_one(dataset, tf) -> list:
    runs: list[list] = []  # [structure, shapes, [flat leaves per batch]]
    held = 0
    for element in dataset:
        leaves = tf.nest.flatten(element, expand_composites=False)
        if any(leaf is not None and not tf.is_tensor(leaf) for leaf in leaves):
            raise Declined("a batch holds something other than tensors")
        shapes = [None if leaf is None else tuple(leaf.shape) for leaf in leaves]
        if not runs or runs[-1][1] != shapes:
            runs.append([element, shapes, []])
        runs[-1][2].append(leaves)
        held += sum(int(leaf.shape.num_elements()) * leaf.dtype.size for leaf in leaves if leaf is not None)
        if held > MAX_HELD_BYTES:
            raise Declined("the training data is too large to hold one epoch in memory")
        if len(runs) > MAX_GROUPS:
            raise Declined("the batches change shape too often")
    return [(structure, [None if batches[0][i] is None else tf.stack([b[i] for b in batches])
                         for i in range(len(batches[0]))], len(batches))
            for structure, _, batches in runs]


def _metric_results(model) -> dict[str, Any]:
    """`get_metrics_result` without its conversion to Python floats (usable in a graph)."""
    results: dict[str, Any] = {}
    for metric in model.metrics:
        result = metric.result()
        if isinstance(result, dict):
            results.update(result)
        else:
            results[metric.name] = result
    return results


def _make_runner(model, plan: _Plan, tf) -> tuple[Callable, Callable]:
    """Two compiled functions: `train_epochs(count)` runs `count` epochs, each resetting the
    metrics, stepping through every batch and reading the logs ([count, keys]); `validate()`
    evaluates the validation batches once ([keys]). Both take their batches as arguments."""
    keys = plan.keys

    def run_groups(step, groups, leaves):
        leaves = iter(leaves)
        for structure, stacked, _ in groups:
            held = [None if leaf is None else next(leaves) for leaf in stacked]
            count = tf.shape(next(leaf for leaf in held if leaf is not None))[0]

            def body(index, structure=structure, held=held):
                batch = [None if leaf is None else tf.gather(leaf, index) for leaf in held]
                step(tf.nest.pack_sequence_as(structure, batch))
                return (index + 1,)

            tf.while_loop(lambda index, count=count: index < count, body, (tf.constant(0),))

    def read_logs():
        results = _metric_results(model)
        return tf.stack([tf.cast(tf.reshape(results[k], []), tf.float64) for k in keys])

    def train(count, *leaves):
        def epoch_body(epoch, logs):
            model.reset_metrics()
            run_groups(model.train_step, plan.groups, leaves)
            return epoch + 1, logs.write(epoch, read_logs())

        logs = tf.TensorArray(tf.float64, size=count, element_shape=[len(keys)])
        _, logs = tf.while_loop(lambda epoch, _: epoch < count, epoch_body, (tf.constant(0), logs))
        return logs.stack()

    def validate(*leaves):
        model.reset_metrics()
        run_groups(model.test_step, plan.val_groups, leaves)
        return read_logs()

    # autograph off, as in Keras's own step function: the student's step runs as written. Each
    # batch has the static shape of Keras's dataset (a partial last batch makes the batch size
    # unknown even for the full ones), because kernels are chosen by it: batch norm's result
    # changed in the 7th digit with a known batch size. Validation is its own graph, as Keras's
    # test function is.
    count_spec = tf.TensorSpec([], tf.int32)
    train_epochs = tf.function(train, autograph=False,
                               input_signature=[count_spec, *_signature(plan.groups, plan.spec, tf)])
    validate_once = tf.function(validate, autograph=False,
                                input_signature=_signature(plan.val_groups or [], plan.val_spec, tf))
    return train_epochs, validate_once


def _signature(groups, spec, tf) -> list:
    leaves = tf.nest.flatten(spec) if spec is not None else []
    return [tf.TensorSpec([None, *leaf_spec.shape], leaf_spec.dtype)
            for _, stacked, _ in groups for leaf, leaf_spec in zip(stacked, leaves) if leaf is not None]


def _arguments(groups) -> list:
    return [leaf for _, stacked, _ in groups or [] for leaf in stacked if leaf is not None]


def _train(model, plan: _Plan, keeper, keras, tf):
    from keras.src.callbacks.callback_list import CallbackList

    for key, value in _metric_results(model).items():
        if getattr(value, "shape", ()) not in ((), []) and getattr(value.shape, "rank", 0):
            raise Declined("the metric {name} is not a single number", name=key)
    train_epochs, validate = _make_runner(model, plan, tf)
    try:  # tracing errors leave the model untouched
        train_epochs.get_concrete_function()
        if plan.val_groups is not None:
            validate.get_concrete_function()
    except Exception as exc:
        raise Declined("the training step could not be compiled ({error})", error=f"{type(exc).__name__}: {exc}"[:200]) from None
    train_args, val_args = _arguments(plan.groups), _arguments(plan.val_groups)
    model._eval_epoch_iterator = None
    callbacks = CallbackList(None, add_history=True, add_progbar=False, verbose=0, epochs=plan.epochs,
                             steps=plan.steps, model=model)
    model.stop_training = False
    callbacks.on_train_begin()
    epoch, count, training_logs = plan.initial_epoch, 1, None
    while epoch < plan.epochs:
        count = min(count, plan.epochs - epoch)
        started = time.monotonic()
        train = train_epochs(tf.constant(count, tf.int32), *train_args).numpy()
        val = validate(*val_args).numpy() if plan.val_groups is not None else None
        took = time.monotonic() - started
        chunk_logs = []
        for row in range(count):
            logs = {k: float(v) for k, v in zip(plan.keys, train[row])}
            if plan.val_groups is not None:
                logs.update({f"val_{k}": float(v) for k, v in zip(plan.keys, val)})
            callbacks.on_epoch_begin(epoch + row)
            callbacks.on_epoch_end(epoch + row, logs)
            chunk_logs.append(logs)
        epoch += count
        training_logs = chunk_logs[-1]
        keeper.chunk_end(model, epoch, chunk_logs, plan.verbose, plan.steps)
        # grow the chunk toward CHUNK_S of work (the first one includes no tracing: it was done above)
        if plan.val_groups is None:  # with validation data, every epoch ends in Python
            count = max(1, min(count * 10, int(count * CHUNK_S / max(took, 1e-6))))
    if plan.epochs > plan.initial_epoch:
        model.optimizer.finalize_variable_values(model.trainable_weights)
    model._eval_epoch_iterator = None
    callbacks.on_train_end(logs=training_logs)
    return model.history
