"""Recognition across the course's two numberings of Lab 10 (issue 22): pure logic, no TensorFlow.

Season 1 (hunkim/DeepLearningZeroToAll) numbers the parts 10-1 softmax ... 10-6 batchnorm; season 2
(deeplearningzerotoall/TensorFlow, TF2 notebooks) numbers them 10-1-1 softmax ... 10-4 batchnorm. Each
file name below comes with code written the way its season writes that lab, and must be recognised
as its lab with the file named in the line that explains the pick.
"""

from __future__ import annotations

import pytest

from grader.grading.assignment import load_all
from grader.intake.recognize import Clues, Name, explain, rank

# -- season 1: one script per lab, `tf.model = tf.keras.Sequential()` built layer by layer -----------

_SEASON_1 = """import numpy as np
import random
import tensorflow as tf

random.seed(777)  # for reproducibility
learning_rate = 0.001
batch_size = 100
training_epochs = 15
nb_classes = 10

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(x_train.shape[0], 28 * 28) / 255.0
x_test = x_test.reshape(x_test.shape[0], 28 * 28) / 255.0
y_train = tf.keras.utils.to_categorical(y_train, nb_classes)
y_test = tf.keras.utils.to_categorical(y_test, nb_classes)

tf.model = tf.keras.Sequential()
{layers}
tf.model.add(tf.keras.layers.Dense(units=nb_classes, activation='softmax'))
tf.model.compile(loss='categorical_crossentropy',
                 optimizer=tf.keras.optimizers.Adam(learning_rate=learning_rate), metrics=['accuracy'])
history = tf.model.fit(x_train, y_train, batch_size=batch_size, epochs=training_epochs)
print('accuracy', tf.model.evaluate(x_test, y_test)[1])
"""


def _season_1_layers(units: int, depth: int, extra: str = "", init: str = "", activation: str = "relu") -> str:
    kernel = f", kernel_initializer='{init}'" if init else ""
    lines = []
    for i in range(depth):
        shape = "input_dim=784, " if i == 0 else ""
        lines.append(f"tf.model.add(tf.keras.layers.Dense({shape}units={units}{kernel}, "
                     f"activation='{activation}'))")
        lines += [extra] if extra else []
    return "\n".join(lines)


_BATCHNORM_BLOCK = ("tf.model.add(tf.keras.layers.Dense(input_dim=784, units=256))\n"
                    "tf.model.add(tf.keras.layers.BatchNormalization())\n"
                    "tf.model.add(tf.keras.layers.Activation('relu'))")
_DROPOUT = "tf.model.add(tf.keras.layers.Dropout(0.3))"

SEASON_1 = {
    # no hidden layer: the output layer itself takes the 784 inputs
    "lab-10-1-mnist_softmax.py": ("lab10-softmax", _SEASON_1.format(layers="").replace(
        "Dense(units=nb_classes", "Dense(input_dim=784, units=nb_classes")),
    "lab-10-2-mnist_nn.py": ("lab10-relu", _SEASON_1.format(layers=_season_1_layers(256, 2))),
    "lab-10-3-mnist_nn_xavier.py": ("lab10-init", _SEASON_1.format(
        layers=_season_1_layers(256, 2, init="glorot_normal"))),
    "lab-10-4-mnist_nn_deep.py": ("lab10-deep", _SEASON_1.format(
        layers=_season_1_layers(512, 4, init="glorot_normal"))),
    "lab-10-5-mnist_nn_dropout.py": ("lab10-deep", _SEASON_1.format(
        layers=_season_1_layers(512, 4, init="glorot_normal", extra=_DROPOUT))),
    "lab-10-6-mnist_nn_batchnorm.py": ("lab10-batchnorm", _SEASON_1.format(
        layers="\n".join([_BATCHNORM_BLOCK] * 2))),
}

# -- season 2: notebooks with helper functions, a model function and a GradientTape loop -------------

_SEASON_2_HEAD = """import tensorflow as tf
import numpy as np
import os
from tensorflow.keras.utils import to_categorical
from tensorflow.keras.datasets import mnist

def load_mnist():
    (train_data, train_labels), (test_data, test_labels) = mnist.load_data()
    train_data = train_data.astype(np.float32) / 255.0
    test_data = test_data.astype(np.float32) / 255.0
    return train_data, to_categorical(train_labels, 10), test_data, to_categorical(test_labels, 10)

def loss_fn(model, images, labels):
    logits = model(images, training=True)
    return tf.reduce_mean(tf.keras.losses.categorical_crossentropy(y_pred=logits, y_true=labels, from_logits=True))

def grad(model, images, labels):
    with tf.GradientTape() as tape:
        loss = loss_fn(model, images, labels)
    return tape.gradient(loss, model.variables)

def flatten():
    return tf.keras.layers.Flatten()

def dense(units, weight_init):
    return tf.keras.layers.Dense(units=units, use_bias=True, kernel_initializer=weight_init)
"""

_SEASON_2_HELPERS = {
    "sigmoid": "def sigmoid():\n    return tf.keras.layers.Activation(tf.keras.activations.sigmoid)\n",
    "relu": "def relu():\n    return tf.keras.layers.Activation(tf.keras.activations.relu)\n",
    "dropout": "def dropout(rate):\n    return tf.keras.layers.Dropout(rate)\n",
    "batch_norm": "def batch_norm():\n    return tf.keras.layers.BatchNormalization()\n",
}

_SEASON_2_TAIL = """
def create_model_function(label_dim):
    weight_init = tf.keras.initializers.{init}()
    model = tf.keras.Sequential()
    model.add(flatten())
    for i in range({depth}):
{block}
    model.add(dense(label_dim, weight_init))
    return model

train_x, train_y, test_x, test_y = load_mnist()
train_dataset = tf.data.Dataset.from_tensor_slices((train_x, train_y)).shuffle(buffer_size=100000).batch(128)
network = create_model_function(10)
optimizer = tf.keras.optimizers.Adam(learning_rate=0.001)
checkpoint = tf.train.Checkpoint(dnn=network)
for epoch in range(1):
    for images, labels in train_dataset:
        grads = grad(network, images, labels)
        optimizer.apply_gradients(zip(grads, network.variables))
    checkpoint.save(file_prefix=os.path.join('checkpoints', '{model_dir}', 'ckpt'))
"""


def _season_2(helpers: list[str], init: str, units: int, depth: int, block: list[str], model_dir: str) -> str:
    body = "\n".join(f"        model.add({call})" for call in [f"dense({units}, weight_init)", *block])
    return (_SEASON_2_HEAD + "\n".join(_SEASON_2_HELPERS[h] for h in helpers)
            + _SEASON_2_TAIL.format(init=init, depth=depth, block=body, model_dir=model_dir))


# the `nn_softmax` notebook really trains 256-256 sigmoid layers: its name, not its code, says softmax
_NN_SOFTMAX = _season_2(["sigmoid"], "RandomNormal", 256, 2, ["sigmoid()"], "nn_softmax")
_NN_RELU = _season_2(["relu"], "RandomNormal", 256, 2, ["relu()"], "nn_relu")
_NN_XAVIER = _season_2(["relu"], "glorot_uniform", 256, 2, ["relu()"], "nn_xavier")
_NN_DEEP = _season_2(["relu"], "glorot_uniform", 512, 4, ["relu()"], "nn_deep")
_NN_DROPOUT = _season_2(["relu", "dropout"], "glorot_uniform", 512, 4, ["relu()", "dropout(rate=0.5)"], "nn_dropout")
_NN_BATCHNORM = _season_2(["relu", "batch_norm"], "glorot_uniform", 512, 4, ["batch_norm()", "relu()"],
                          "nn_batchnorm")

SEASON_2 = {
    "lab-10-1-1-mnist_nn_softmax.ipynb": ("lab10-softmax", _NN_SOFTMAX),
    "lab-10-1-2-mnist_nn_relu.ipynb": ("lab10-relu", _NN_RELU),
    "lab 10-2-1-mnist_nn_xavier.ipynb": ("lab10-init", _NN_XAVIER),  # a space, no dash, as the repository has it
    "lab-10-2-1-mnist_nn_xavier.ipynb": ("lab10-init", _NN_XAVIER),
    "lab-10-2-2-mnist_nn_deepdeep.ipynb": ("lab10-deep", _NN_DEEP),
    "lab-10-2-2-mnist_nn_deep.ipynb": ("lab10-deep", _NN_DEEP),
    "lab-10-3-mnist_nn_dropout.ipynb": ("lab10-deep", _NN_DROPOUT),
    "lab-10-4-mnist_nn_batchnorm.ipynb": ("lab10-batchnorm", _NN_BATCHNORM),
}


@pytest.fixture(scope="module")
def labs():
    return load_all()


def _pick(labs, path: str, code: str):
    verdicts = rank(Clues.from_text(path, code), labs)
    return verdicts[0], str(explain(verdicts[0], verdicts[1]))


@pytest.mark.parametrize("name", sorted({**SEASON_1, **SEASON_2}))
def test_every_file_of_both_seasons_is_recognised_as_its_lab(labs, name):
    lab, code = {**SEASON_1, **SEASON_2}[name]
    best, why = _pick(labs, name, code)
    assert best.assignment.id == lab, why
    assert why.startswith(f"assignment {lab} picked: ") and f"file name `{name}`" in why


@pytest.mark.parametrize("name", sorted(SEASON_2))
def test_a_season_2_name_decides_even_when_the_code_says_little(labs, name):
    """The topic word outweighs the part number season 1 gives another lab (10-4 is deep there)."""
    best, why = _pick(labs, name, "from tensorflow.keras.datasets import mnist\nmnist.load_data()\n")
    assert best.assignment.id == SEASON_2[name][0], why


@pytest.mark.parametrize(("path", "code", "lab"), [
    # a folder's topic word weighs less than the file's own, and leaves the file's part number alone
    ("deep_learning/lab-10-2-mnist_nn.py", SEASON_1["lab-10-2-mnist_nn.py"][1], "lab10-relu"),
    ("deep_learning/lab-10-4-mnist_nn_batchnorm.ipynb", _NN_BATCHNORM, "lab10-batchnorm"),
    # the file's topic word speaks for the folder's part number too
    ("lab-10-4/batchnorm.ipynb", _NN_BATCHNORM, "lab10-batchnorm"),
    ("lab-10-4-mnist_nn_batchnorm/main.py", _NN_BATCHNORM, "lab10-batchnorm"),
])
def test_folder_names_count_below_the_file_name(labs, path, code, lab):
    best, why = _pick(labs, path, code)
    assert best.assignment.id == lab, why


def test_a_part_number_alone_still_decides_by_season_1(labs):
    code = SEASON_1["lab-10-4-mnist_nn_deep.py"][1]
    assert _pick(labs, "lab-10-4-mnist.py", code)[0].assignment.id == "lab10-deep"
    code = SEASON_1["lab-10-6-mnist_nn_batchnorm.py"][1]
    assert _pick(labs, "lab-10-6.py", code)[0].assignment.id == "lab10-batchnorm"


def test_names_are_read_as_lab_numbers_and_words_split_at_anything_not_a_letter():
    name = Name.read("Lab 10-2-1-MNIST_nn_Xavier.ipynb", own=True)
    assert name.labs == ((10, 2),)
    assert {"lab", "mnist", "nn", "xavier", "ipynb"} == name.words
    assert "deepdeep" in Name.read("lab-10-2-2-mnist_nn_deepdeep.ipynb", own=True).words
    clues = Clues.from_text("hw/lab10/My_BatchNorm.ipynb", "")
    assert [n.own for n in clues.names] == [False, False, True] and clues.labs == ((10, None),)
