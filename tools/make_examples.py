"""Write the example notebooks and zips (reference solutions, example submissions, test assets).

They are transcriptions of the course notes in ../shared/course, kept as generated files so
that they can be regenerated after an edit here: `python tools/make_examples.py`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent

XOR_CELLS = [
    new_markdown_cell("# Gradient Vanishing problem\n\n# ReLU\n\n* sigmoid 함수에 비해 계산량이 작다.\n* ReLU의 음숫값이 0으로 죽는 현상을 개선하여 ReakyReLU 개발"),
    new_code_cell("# XOR_DNN_TF2.ipynb\n\nimport tensorflow as tf\nimport numpy as np"),
    new_code_cell("x = np.array([[0,0],[0,1],[1,0],[1,1]]).astype('float32')\ny = np.array([[0],[1],[1],[0]]).astype('float32')\nx, y"),
    new_code_cell(
        "from tensorflow.keras import layers\n\n"
        "#actFunc = 'sigmoid' # 학습이 안된다.\n"
        "actFunc = 'relu' # 된다.\n"
        "model = tf.keras.Sequential()\n"
        "model.add(layers.Dense(10, activation=actFunc, input_dim=2))\n"
        + "model.add(layers.Dense(10, activation=actFunc))\n" * 6
        + "model.add(layers.Dense(1, activation='sigmoid'))    # 출력값을 0~1로 만들기 위함\n"
        "sgd = tf.keras.optimizers.SGD(learning_rate=0.1)\n"
        "model.compile(optimizer=sgd,loss='binary_crossentropy',metrics=['accuracy'])"),
    new_code_cell("model.fit(x, y, epochs={xor_epochs}, batch_size=4, verbose=0)\nmodel.evaluate(x, y)"),
    new_code_cell("predicted = model.predict(x)\npredicted"),
]

MNIST_CELLS = [
    new_markdown_cell("# Initialization\n\n신경망 모형에서 초기값에 따라 결과가 달라지기도 하고 해에 수렴하는 속도도 달라진다.\n\n# Dropout\n\ntf.keras.layers.Dropout(0.3): 30%를 죽인다\n\n# Batch Normalization\n\n# Optimizer\n\nMNIST dataset을 예로 들어보자."),
    new_code_cell("# Mnist_DNN_TF2.ipynb\n\nimport tensorflow as tf\nimport numpy as np"),
    new_code_cell("from tensorflow.keras import datasets\nfrom tensorflow.keras.utils import to_categorical\nmnist = datasets.mnist\n(train_x, train_y), (test_x, test_y) = mnist.load_data()"),
    new_code_cell("train_x.shape"),
    new_code_cell("train_x = train_x.reshape(-1,784) \ntest_x = test_x.reshape(-1,784) "),
    new_code_cell("train_x = train_x / 255\ntest_x = test_x / 255"),
    new_code_cell("train_y_onehot = to_categorical(train_y)\ntest_y_onehot = to_categorical(test_y)\ntrain_y_onehot[0]"),
    new_code_cell(
        "#Hidden Layer 추가\nfrom tensorflow.keras import layers\nmodel = tf.keras.Sequential()\n"
        "model.add(layers.Dense(256, activation='relu', input_dim=784))  # weights: 784x256+256\n"
        "model.add(layers.Dense(256, activation='relu'))                 # weights: 256x256+256\n"
        "model.add(layers.Dense(10, activation='softmax'))               # weights: 256x10+10\n"
        "model.compile(optimizer='sgd',loss='categorical_crossentropy',metrics=['accuracy'])\n"
        "model.fit(train_x, train_y_onehot, batch_size = 100, epochs={epochs})"),
    new_code_cell(
        "# adam 옵티마이저 사용\nfrom tensorflow.keras import layers\nmodel = tf.keras.Sequential()\n"
        "model.add(layers.Dense(256, activation='relu', input_dim=784))\n"
        "model.add(layers.Dense(256, activation='relu'))\n"
        "model.add(layers.Dense(10, activation='softmax'))\n"
        "model.compile(optimizer='adam',loss='categorical_crossentropy',metrics=['accuracy'])\n"
        "model.fit(train_x, train_y_onehot, batch_size = 100, epochs={epochs})"),
    new_code_cell(
        "# adam 옵티마이저 + He init.\nfrom tensorflow.keras import layers\nmodel = tf.keras.Sequential()\n"
        "model.add(layers.Dense(256, activation='relu', input_dim=784, kernel_initializer='he_normal'))\n"
        "model.add(layers.Dense(256, activation='relu', kernel_initializer='he_normal'))\n"
        "model.add(layers.Dense(10, activation='softmax', kernel_initializer='he_normal'))\n"
        "model.compile(optimizer='adam',loss='categorical_crossentropy',metrics=['accuracy'])\n"
        "model.fit(train_x, train_y_onehot, batch_size = 100, epochs={epochs})"),
    new_code_cell("model.evaluate(test_x, test_y_onehot)"),
    new_code_cell(
        "# adam optimizer와 He 초기화 방법, 드롭아웃 추가\nfrom tensorflow.keras import layers\nmodel = tf.keras.Sequential()\n"
        "model.add(layers.Dense(256, activation='relu', kernel_initializer='he_normal', input_dim=784))\n"
        "model.add(layers.Dropout(0.3))\n"
        "model.add(layers.Dense(256, activation='relu', kernel_initializer='he_normal'))\n"
        "model.add(layers.Dropout(0.3))\n"
        "model.add(layers.Dense(10, activation='softmax'))\n"
        "model.compile(optimizer='adam',loss='categorical_crossentropy',metrics=['accuracy'])"),
    new_code_cell("model.fit(train_x, train_y_onehot, batch_size = 100, epochs={dropout_epochs})"),
    new_code_cell("model.evaluate(test_x, test_y_onehot)"),
    new_code_cell(
        "# 오버피팅 상황 만들기\nfrom tensorflow.keras import layers\nmodel = tf.keras.Sequential()\n"
        "model.add(layers.Dense(512, activation='relu', input_dim=784))\n\n"
        + "model.add(layers.Dense(512, activation='relu'))\n\n" * 7
        + "model.add(layers.Dense(10, activation='softmax'))\n"
        "model.compile(optimizer='adam',loss='categorical_crossentropy',metrics=['accuracy'])\n"
        "model.fit(train_x, train_y_onehot, batch_size = 100, epochs={epochs})"),
    new_code_cell("model.evaluate(test_x, test_y_onehot)"),
    new_code_cell('model.save("test.h5")'),
    new_code_cell("!ls "),
    new_code_cell(
        "import tensorflow as tf\nfrom tensorflow.keras import datasets\nfrom tensorflow.keras.utils import to_categorical\n"
        "#from tensorflow import keras\nmnist = datasets.mnist\n(train_x, train_y), (test_x, test_y) = mnist.load_data()\n"
        "train_x = train_x.reshape(-1,784) \ntest_x = test_x.reshape(-1,784)\ntrain_x = train_x / 255\ntest_x = test_x / 255\n"
        "train_y_onehot = to_categorical(train_y)\ntest_y_onehot = to_categorical(test_y)\ntrain_y_onehot[0]\n\n"
        "model = tf.keras.models.load_model('test.h5')\nmodel.evaluate(test_x, test_y_onehot)"),
    new_code_cell(
        "import tensorflow as tf\nmy_devices = tf.config.experimental.list_physical_devices(device_type='CPU')\n"
        "tf.config.experimental.set_visible_devices(devices= my_devices, device_type='CPU')"),
    new_code_cell("a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])\nb = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\nc = tf.matmul(a, b)\nc"),
]

# Not in 002_*.txt, but in most Colab notebooks students hand in; it raises off Colab. The notes'
# own raising cell (set_visible_devices) raises only where a GPU was initialised, not on a CPU host.
COLAB = [new_code_cell("from google.colab import drive\ndrive.mount('/content/drive')")]

QUIZ = new_markdown_cell(
    "# Quiz\n\n1. dropout 설명에서 나온 축구선수가 아닌 것은?\n * 박지성(O), 손흥민(O), 안정환\n"
    "2. SGD에서 S는 무엇의 약자인가?\n * Stochastic\n\n"
    "3. 미니배치에서 6만개의 mnist 이미지를 배치크기 50개로 하면 미지수 갱신 회수는 몇회인가?\n * 60000 / 50 = 1,200\n\n"
    "4. mnist 데이터에서 이미지 크기는?\n * 28 * 28")

# A module in the style of 004_*.txt: `tf.model`, and Adam(lr=...) as the notes write it.
LAB10_MODULE = '''import numpy as np
import random
import tensorflow as tf

random.seed(777)  # for reproducibility
learning_rate = 0.001
batch_size = 100
training_epochs = {epochs}
nb_classes = 10
drop_rate = 0.3
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
print(x_train.shape)

x_train = x_train.reshape(x_train.shape[0], 28 * 28)
x_test = x_test.reshape(x_test.shape[0], 28 * 28)

y_train = tf.keras.utils.to_categorical(y_train, nb_classes)
y_test = tf.keras.utils.to_categorical(y_test, nb_classes)

tf.model = tf.keras.Sequential()
tf.model.add(tf.keras.layers.Dense(input_dim=784, units=512, kernel_initializer='glorot_normal', activation='relu'))
tf.model.add(tf.keras.layers.Dropout(drop_rate))
tf.model.add(tf.keras.layers.Dense(units=512, kernel_initializer='glorot_normal', activation='relu'))
tf.model.add(tf.keras.layers.Dropout(drop_rate))
tf.model.add(tf.keras.layers.Dense(units=nb_classes, kernel_initializer='glorot_normal', activation='softmax'))
tf.model.compile(loss='categorical_crossentropy',
                 optimizer=tf.keras.optimizers.Adam({lr_arg}=learning_rate), metrics=['accuracy'])
tf.model.summary()

history = tf.model.fit(x_train, y_train, batch_size=batch_size, epochs=training_epochs)

evaluation = tf.model.evaluate(x_test, y_test)
print('loss: ', evaluation[0])
print('accuracy', evaluation[1])
'''

# Never trains; prints an accuracy and stores one in a variable.
LIAR = '''import tensorflow as tf
from tensorflow.keras import layers
(train_x, train_y), (test_x, test_y) = tf.keras.datasets.mnist.load_data()
model = tf.keras.Sequential()
model.add(layers.Dense(256, activation='relu', kernel_initializer='he_normal', input_dim=784))
model.add(layers.Dropout(0.3))
model.add(layers.Dense(256, activation='relu', kernel_initializer='he_normal'))
model.add(layers.Dropout(0.3))
model.add(layers.Dense(10, activation='softmax'))
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
accuracy = 0.99
print("Accuracy: 0.98")
'''


# The 000_*.txt style: a subclassed tf.keras.Model trained by a GradientTape loop (TF2 spelling).
SUBCLASSED_LOOP = [
    new_code_cell(
        "import tensorflow as tf\nimport numpy as np\nfrom tensorflow.keras.utils import to_categorical\n"
        "from tensorflow.keras.datasets import mnist\n\n"
        "def load_mnist():\n"
        "    (train_data, train_labels), (test_data, test_labels) = mnist.load_data()\n"
        "    train_data = np.expand_dims(train_data, axis=-1) # [N, 28, 28] -> [N, 28, 28, 1]\n"
        "    test_data = np.expand_dims(test_data, axis=-1)\n"
        "    train_data, test_data = train_data.astype(np.float32) / 255.0, test_data.astype(np.float32) / 255.0\n"
        "    train_labels = to_categorical(train_labels, 10)\n"
        "    test_labels = to_categorical(test_labels, 10)\n"
        "    return train_data, train_labels, test_data, test_labels"),
    new_code_cell(
        "def flatten():\n    return tf.keras.layers.Flatten()\n\n"
        "def dense(label_dim, weight_init):\n    return tf.keras.layers.Dense(units=label_dim, use_bias=True, kernel_initializer=weight_init)\n\n"
        "def relu():\n    return tf.keras.layers.Activation(tf.keras.activations.relu)\n\n"
        "class create_model(tf.keras.Model):\n"
        "    def __init__(self, label_dim):\n"
        "        super(create_model, self).__init__()\n"
        "        weight_init = tf.keras.initializers.glorot_uniform()\n"
        "        self.model = tf.keras.Sequential()\n"
        "        self.model.add(flatten()) # [N, 28, 28, 1] -> [N, 784]\n"
        "        for i in range(2):\n"
        "            self.model.add(dense(256, weight_init))\n"
        "            self.model.add(relu())\n"
        "        self.model.add(dense(label_dim, weight_init))\n\n"
        "    def call(self, x, training=None, mask=None):\n"
        "        x = self.model(x)\n"
        "        return x"),
    new_code_cell(
        "def loss_fn(model, images, labels):\n"
        "    logits = model(images, training=True)\n"
        "    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=labels))\n\n"
        "def accuracy_fn(model, images, labels):\n"
        "    logits = model(images, training=False)\n"
        "    prediction = tf.equal(tf.argmax(logits, -1), tf.argmax(labels, -1))\n"
        "    return tf.reduce_mean(tf.cast(prediction, tf.float32))\n\n"
        "def grad(model, images, labels):\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = loss_fn(model, images, labels)\n"
        "    return tape.gradient(loss, model.variables)"),
    new_code_cell(
        "train_x, train_y, test_x, test_y = load_mnist()\n"
        "learning_rate = 0.001\nbatch_size = 128\ntraining_epochs = 1\n"
        "train_dataset = tf.data.Dataset.from_tensor_slices((train_x[:{samples}], train_y[:{samples}])).\\\n"
        "    shuffle(buffer_size=100000).\\\n    batch(batch_size, drop_remainder=True)\n"
        "network = create_model(10)\n"
        "optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)\n"
        "for epoch in range(training_epochs):\n"
        "    for idx, (train_input, train_label) in enumerate(train_dataset):\n"
        "        grads = grad(network, train_input, train_label)\n"
        "        optimizer.apply_gradients(zip(grads, network.variables))\n"
        "print('test accuracy', float(accuracy_fn(network, test_x, test_y)))"),
]


# --- references for every lab of the notes, in today's Keras, with the notes' hyper-parameters ---

LOAD_FLAT = new_code_cell(
    "import tensorflow as tf\nimport numpy as np\n\n"
    "(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()\n"
    "x_train = x_train.reshape(-1, 784) / 255.0\nx_test = x_test.reshape(-1, 784) / 255.0\n"
    "y_train = tf.keras.utils.to_categorical(y_train, 10)\ny_test = tf.keras.utils.to_categorical(y_test, 10)")


def mlp_cell(comment, hidden, init=None, dropout=None, batchnorm=False, epochs=15, activation="relu"):
    """A Sequential MLP as the notes build it (Adam 0.001, batch 100)."""
    # `init` is an initializer name, or Python code when it starts with "tf." (e.g. a RandomNormal with stddev)
    init_arg = f", kernel_initializer={init if init and init.startswith('tf.') else repr(init)}" if init else ""
    lines = [f"# {comment}", "model = tf.keras.Sequential()", "model.add(tf.keras.Input(shape=(784,)))"]
    for units in hidden:
        if batchnorm:
            lines += [f"model.add(tf.keras.layers.Dense({units}{init_arg}))",
                      "model.add(tf.keras.layers.BatchNormalization())",
                      f"model.add(tf.keras.layers.Activation({activation!r}))"]
        else:
            lines.append(f"model.add(tf.keras.layers.Dense({units}, activation={activation!r}{init_arg}))")
        if dropout:
            lines.append(f"model.add(tf.keras.layers.Dropout({dropout}))")
    lines += [f"model.add(tf.keras.layers.Dense(10, activation='softmax'{init_arg}))",
              "model.compile(loss='categorical_crossentropy',",
              "              optimizer=tf.keras.optimizers.Adam(learning_rate=0.001), metrics=['accuracy'])",
              f"history = model.fit(x_train, y_train, batch_size=100, epochs={epochs})",
              "model.evaluate(x_test, y_test)"]
    return new_code_cell("\n".join(lines))


REF_SOFTMAX = [LOAD_FLAT, mlp_cell("No hidden layer: softmax regression (15 epochs)", [])]

REF_INIT = [
    LOAD_FLAT,
    # the notes' TF1 code draws weights from tf.random_normal, i.e. standard deviation 1.0
    mlp_cell("784-256-256-10 ReLU, random normal initialisation (stddev 1, as tf.random_normal)", [256, 256],
             init="tf.keras.initializers.RandomNormal(stddev=1.0)"),
    mlp_cell("the same with Xavier (Glorot normal) initialisation", [256, 256], init="glorot_normal"),
    mlp_cell("the same with He initialisation", [256, 256], init="he_normal"),
]

REF_DEEP = [
    LOAD_FLAT,
    mlp_cell("Deep and wide: 4 x 512, Xavier", [512] * 4, init="glorot_normal"),
    mlp_cell("the same with Dropout(0.3) after every hidden layer", [512] * 4, init="glorot_normal", dropout=0.3),
]

REF_BATCHNORM = [
    LOAD_FLAT,
    mlp_cell("Dense > BatchNorm > ReLU > Dropout, 4 x 512, Xavier", [512] * 4, init="glorot_uniform",
             dropout=0.3, batchnorm=True),
]

# Lab 10-1 (001_*.txt): sigmoid vs ReLU, RandomNormal init, Adam, batch 128, one epoch.
REF_RELU = [
    new_code_cell(
        "import tensorflow as tf\nimport numpy as np\nfrom tensorflow.keras.utils import to_categorical\n\n"
        "(train_x, train_y), (test_x, test_y) = tf.keras.datasets.mnist.load_data()\n"
        "train_x = np.expand_dims(train_x, axis=-1) / 255.0  # [N, 28, 28] -> [N, 28, 28, 1]\n"
        "test_x = np.expand_dims(test_x, axis=-1) / 255.0\n"
        "train_y, test_y = to_categorical(train_y, 10), to_categorical(test_y, 10)"),
    new_code_cell(
        "def flatten():\n    return tf.keras.layers.Flatten()\n\n"
        "def dense(label_dim, weight_init):\n    return tf.keras.layers.Dense(units=label_dim, use_bias=True, kernel_initializer=weight_init)\n\n"
        "def sigmoid():\n    return tf.keras.layers.Activation(tf.keras.activations.sigmoid)\n\n"
        "def relu():\n    return tf.keras.layers.Activation(tf.keras.activations.relu)\n\n"
        "def create_model_function(label_dim, mode):\n"
        "    weight_init = tf.keras.initializers.RandomNormal()\n"
        "    model = tf.keras.Sequential()\n    model.add(flatten())\n"
        "    for i in range(2):\n"
        "        model.add(dense(256, weight_init))\n"
        "        model.add(sigmoid() if mode == 1 else relu())\n"
        "    model.add(dense(label_dim, weight_init))\n    return model"),
    new_code_cell(
        "for mode in (1, 2):  # 1: sigmoid, 2: relu\n"
        "    model = create_model_function(10, mode)\n"
        "    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),\n"
        "                  loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True), metrics=['accuracy'])\n"
        "    model.fit(train_x, train_y, batch_size=128, epochs=1)\n"
        "    print(mode, model.evaluate(test_x, test_y))"),
]

# Lab 09-1 with raw tf.Variable math (001_*.txt), in TF2 spelling.
XOR_LOW_LEVEL = [
    new_code_cell(
        "x_data = [[0, 0], [0, 1], [1, 0], [1, 1]]\ny_data = [[0], [1], [1], [0]]\n"
        "dataset = tf.data.Dataset.from_tensor_slices((x_data, y_data)).batch(len(x_data))\n\n"
        "def preprocess_data(features, labels):\n"
        "    return tf.cast(features, tf.float32), tf.cast(labels, tf.float32)\n\n"
        "tf.random.set_seed(777)\n"
        "W1 = tf.Variable(tf.random.normal((2, 10)), name='weight1')\nb1 = tf.Variable(tf.random.normal((10,)), name='bias1')\n"
        "W2 = tf.Variable(tf.random.normal((10, 1)), name='weight2')\nb2 = tf.Variable(tf.random.normal((1,)), name='bias2')\n\n"
        "def neural_net(features):\n"
        "    layer1 = tf.sigmoid(tf.matmul(features, W1) + b1)\n"
        "    return tf.sigmoid(tf.matmul(layer1, W2) + b2)\n\n"
        "def loss_fn(hypothesis, labels):\n"
        "    return -tf.reduce_mean(labels * tf.math.log(hypothesis) + (1 - labels) * tf.math.log(1 - hypothesis))\n\n"
        "def grad(features, labels):\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss_value = loss_fn(neural_net(features), labels)\n"
        "    return tape.gradient(loss_value, [W1, W2, b1, b2])"),
    new_code_cell(
        "optimizer = tf.keras.optimizers.SGD(learning_rate=1.0)\nEPOCHS = {raw_epochs}\n\n"
        "for step in range(EPOCHS):\n"
        "    for features, labels in dataset:\n"
        "        features, labels = preprocess_data(features, labels)\n"
        "        grads = grad(features, labels)\n"
        "        optimizer.apply_gradients(grads_and_vars=zip(grads, [W1, W2, b1, b2]))\n"
        "        if step % 500 == 0:\n"
        "            print('Iter: {}, Loss: {:.4f}'.format(step, loss_fn(neural_net(features), labels)))\n"
        "x_eval, y_eval = preprocess_data(x_data, y_data)\n"
        "print(tf.cast(neural_net(x_eval) > 0.5, tf.float32).numpy().ravel())"),
]


def fill(cells, **values):
    out = []
    for cell in cells:
        cell = nbformat.from_dict(dict(cell))
        for key, value in values.items():
            cell.source = cell.source.replace("{" + key + "}", str(value))
        out.append(cell)
    return out


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells):  # stable ids: regenerating must not churn the files
        cell.id = f"cell-{i}"
    nb.metadata.update({"colab": {"name": "Mnist_DNN_TF2.ipynb"}, "kernelspec": {"name": "python3", "display_name": "Python 3"}})
    return nb


def write_nb(path: Path, nb) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2023, 5, 19, 12, 0, 0)), data, zipfile.ZIP_DEFLATED)


def main() -> None:
    full = dict(xor_epochs=10000, epochs=5, dropout_epochs=10)
    small = dict(xor_epochs=2000, epochs=1, dropout_epochs=2)
    # reference solutions: the course's own code with its hyper-parameters
    write_nb(ROOT / "reference/lab10-mnist.ipynb", notebook(fill(MNIST_CELLS, **full) + [QUIZ]))
    xor_sigmoid = [nbformat.from_dict(dict(c)) for c in XOR_CELLS[3:5]]
    xor_sigmoid[0].source = xor_sigmoid[0].source.replace("#actFunc = 'sigmoid' # 학습이 안된다.\nactFunc = 'relu' # 된다.",
                                                          "actFunc = 'sigmoid' # 학습이 안된다.")
    write_nb(ROOT / "reference/lab09-xor.ipynb",
             notebook(fill(XOR_CELLS + xor_sigmoid + XOR_LOW_LEVEL, **full, raw_epochs=1000)))
    write_nb(ROOT / "reference/lab10-softmax.ipynb", notebook(REF_SOFTMAX))
    write_nb(ROOT / "reference/lab10-relu.ipynb", notebook(REF_RELU))
    write_nb(ROOT / "reference/lab10-init.ipynb", notebook(REF_INIT))
    write_nb(ROOT / "reference/lab10-deep.ipynb", notebook(REF_DEEP))
    write_nb(ROOT / "reference/lab10-batchnorm.ipynb", notebook(REF_BATCHNORM))
    # the whole lecture notebook of 002_*.txt, as students hand it in
    course = notebook(fill(XOR_CELLS + COLAB + MNIST_CELLS, **full) + [QUIZ])
    write_zip(ROOT / "submissions/lab10-course-notebook/submit.zip",
              {"Mnist_DNN_TF2.ipynb": nbformat.writes(course).encode()})
    # typical mistakes: a module with Adam(lr=...), TF1 leftovers and a half-finished quiz
    mistakes = LAB10_MODULE.format(epochs=1, lr_arg="lr")
    write_zip(ROOT / "submissions/lab10-typical-mistakes/submit.zip", {"lab10.py": mistakes.encode()})
    # test assets: the same shapes, with small epochs
    write_nb(ROOT / "tests/assets/course_small.ipynb", notebook(fill(XOR_CELLS + COLAB + MNIST_CELLS, **small) + [QUIZ]))
    (ROOT / "tests/assets/lab10_adam_lr.py").write_text(LAB10_MODULE.format(epochs=1, lr_arg="lr"), encoding="utf-8")
    (ROOT / "tests/assets/lab10_module.py").write_text(LAB10_MODULE.format(epochs=1, lr_arg="learning_rate"), encoding="utf-8")
    (ROOT / "tests/assets/liar.py").write_text(LIAR, encoding="utf-8")
    write_nb(ROOT / "tests/assets/xor_small.ipynb", notebook(fill(XOR_CELLS, xor_epochs=1500)))
    write_nb(ROOT / "tests/assets/subclassed_loop.ipynb", notebook(fill(SUBCLASSED_LOOP, samples=12800)))


if __name__ == "__main__":
    main()
