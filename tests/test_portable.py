"""TensorFlow's own functions and initializers come back from a safe-mode load as their Keras twins,
computing the same; what cannot leave the student's process is named in one sentence. (Kernel tier:
real Keras, no MNIST.)"""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.kernel

tf = keras = None


@pytest.fixture(scope="module", autouse=True)
def tensorflow():
    global tf, keras
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")


TWINNED = {
    "tf.nn.relu": lambda: {"activation": tf.nn.relu},
    "tf.nn.softmax (softmax_v2)": lambda: {"activation": tf.nn.softmax},
    "tf.nn.log_softmax": lambda: {"activation": tf.nn.log_softmax},
    "tf.nn.sigmoid": lambda: {"activation": tf.nn.sigmoid},
    "tf.math.tanh": lambda: {"activation": tf.math.tanh},
    "tf.nn.swish": lambda: {"activation": tf.nn.swish},
    "tf.nn.leaky_relu": lambda: {"activation": tf.nn.leaky_relu},
    "tf.keras.activations.relu": lambda: {"activation": tf.keras.activations.relu},
    "tf.random_normal_initializer": lambda: {"kernel_initializer": tf.random_normal_initializer(stddev=0.01)},
    "tf.compat.v1.glorot_uniform_initializer (TF1)": lambda: {"kernel_initializer":
                                                             tf.compat.v1.glorot_uniform_initializer()},
    "tf.keras.initializers.he_normal()": lambda: {"kernel_initializer": tf.keras.initializers.he_normal()},
}


@pytest.mark.parametrize("case", TWINNED)
def test_tensorflows_own_objects_are_rebuilt_safely_and_compute_the_same(case, tmp_path):
    from grader.inside.describe import why_not_portable
    from grader.inside.portable import keras_twins

    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, **TWINNED[case]()),
                              keras.layers.Dense(3, activation=tf.nn.softmax)])
    assert why_not_portable(model) is None
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", safe_mode=True, compile=False,
                                     custom_objects=keras_twins(keras))
    x = np.random.default_rng(0).random((8, 6), dtype="float32")
    assert np.array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_the_students_own_function_lambda_and_class_are_named(tmp_path):
    from grader.inside.describe import why_not_portable

    def my_relu(x):
        return tf.maximum(x, 0.0)

    class MyDense(keras.layers.Dense):
        pass

    own_function = keras.Sequential([keras.Input((6,)), keras.layers.Dense(4, activation=my_relu)])
    lambda_layer = keras.Sequential([keras.Input((6,)), keras.layers.Lambda(lambda x: x * 2)])
    own_class = keras.Sequential([keras.Input((6,)), MyDense(4)])
    assert "function my_relu" in why_not_portable(own_function)
    assert "a Lambda layer" in why_not_portable(lambda_layer)
    assert why_not_portable(own_class).startswith("the model uses the student's own classes (MyDense)")
    for model in (own_function, lambda_layer, own_class):
        assert why_not_portable(model).count(".") <= 1  # one sentence
