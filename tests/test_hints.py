import pytest

from grader.feedback import hints
from grader.feedback.hints import RULES, default_lang
from grader.feedback.i18n import render


def hint_for(source, error, traceback, lang="en"):
    """The hint as a reader sees it, in `lang` (None when no rule applies)."""
    hint = hints.hint_for(source, error, traceback)
    return None if hint is None else render(hint, lang)

# (rule name, source, error, traceback, words the English hint must hold, words the Korean hint must hold)
CASES = [
    (
        "tf1-mnist",
        "from tensorflow.examples.tutorials.mnist import input_data\nmnist = input_data.read_data_sets('MNIST_data/', one_hot=True)",
        "ModuleNotFoundError: No module named 'tensorflow.examples'",
        None,
        ["tf.keras.datasets.mnist.load_data()", "reshape(-1, 784) / 255.0"],
        ["tf.keras.datasets.mnist.load_data()", "읽고"],
    ),
    (
        "tf1-mnist",
        "import tensorflow as tf\nmnist = tf.contrib.learn.datasets.mnist.read_data_sets('data')",
        "AttributeError: module 'tensorflow' has no attribute 'read_data_sets'",
        None,
        ["load_data()"],
        ["load_data()"],
    ),
    (
        "predict-classes",
        "pred = model.predict_classes(x_test)",
        "AttributeError: 'Sequential' object has no attribute 'predict_classes'",
        None,
        ["np.argmax(model.predict(x), axis=1)"],
        ["np.argmax(model.predict(x), axis=1)", "없어졌습니다"],
    ),
    (
        "tf1-api",
        "h = tf.layers.dense(X, 256, activation=tf.nn.relu)",
        "AttributeError: module 'tensorflow' has no attribute 'layers'",
        None,
        ["tf.keras.layers", "Dense(256"],
        ["tf.keras.layers"],
    ),
    (
        "tf1-api",
        "tf.set_random_seed(777)",
        "AttributeError: module 'tensorflow' has no attribute 'set_random_seed'",
        None,
        ["tf.random.set_seed"],
        ["tf.random.set_seed"],
    ),
    (
        "missing-import",
        "x = np.array([[0, 0], [0, 1]])",
        "NameError: name 'np' is not defined",
        None,
        ["import numpy as np"],
        ["import numpy as np", "import하지 않았습니다"],
    ),
    (
        "missing-import",
        "plt.plot(history.history['loss'])",
        "NameError: name 'plt' is not defined",
        None,
        ["import matplotlib.pyplot as plt"],
        ["import matplotlib.pyplot as plt"],
    ),
    (
        "keras3-lr",
        "model.compile(optimizer=tf.keras.optimizers.Adam(lr=0.01), loss='mse')",
        "ValueError: Argument(s) not recognized: {'lr': 0.01}",
        None,
        ["learning_rate", "Adam(learning_rate=0.01)"],
        ["learning_rate", "Adam(learning_rate=0.01)"],
    ),
    (
        "keras3-lr",
        "opt = SGD(lr=0.1)",
        "ValueError: Argument(s) not recognized: {'lr': 0.1}",
        None,
        ["SGD(learning_rate=0.1)"],
        ["SGD(learning_rate=0.1)"],
    ),
    (
        "tf1-eager",
        "import tensorflow as tf\ntf.enable_eager_execution()",
        "AttributeError: module 'tensorflow' has no attribute 'enable_eager_execution'",
        None,
        ["eager", "delete"],
        ["eager", "지우세요"],
    ),
    (
        "tf1-api",
        "X = tf.placeholder(tf.float32, [None, 784])",
        "AttributeError: module 'tensorflow' has no attribute 'placeholder'",
        None,
        ["TensorFlow 1", "tf.placeholder", "model.fit"],
        ["TensorFlow 1", "tf.placeholder", "model.fit"],
    ),
    (
        "tf1-api",
        "sess = tf.Session()",
        "AttributeError: module 'tensorflow' has no attribute 'Session'",
        None,
        ["tf.Session", "eager"],
        ["tf.Session", "eager"],
    ),
    (
        "tf1-api",
        "opt = tf.train.AdamOptimizer(0.001)",
        "AttributeError: module 'tensorflow._api.v2.train' has no attribute 'AdamOptimizer'",
        None,
        ["tf.keras.optimizers.Adam(learning_rate="],
        ["tf.keras.optimizers.Adam(learning_rate="],
    ),
    (
        "tf1-api",
        "W = tf.Variable(tf.random_normal([784, 256]))",
        "AttributeError: module 'tensorflow' has no attribute 'random_normal'",
        None,
        ["tf.random.normal"],
        ["tf.random.normal"],
    ),
    (
        "tf1-api",
        "b = tf.Variable(tf.random_uniform([256]))",
        "AttributeError: module 'tensorflow' has no attribute 'random_uniform'",
        None,
        ["tf.random.uniform"],
        ["tf.random.uniform"],
    ),
    (
        "tf1-api",
        "init = tf.global_variables_initializer()",
        "AttributeError: module 'tensorflow' has no attribute 'global_variables_initializer'",
        None,
        ["delete", "initialized"],
        ["지우세요"],
    ),
    (
        "tf1-api",
        "W = tf.get_variable('W', shape=[784, 256])",
        "AttributeError: module 'tensorflow' has no attribute 'get_variable'",
        None,
        ["tf.Variable"],
        ["tf.Variable"],
    ),
    (
        "tf1-api",
        "init = tf.contrib.layers.xavier_initializer()",
        "AttributeError: module 'tensorflow' has no attribute 'contrib'",
        None,
        ["tf.contrib", "GlorotUniform"],
        ["tf.contrib", "GlorotUniform"],
    ),
    (
        "tf1-api",
        "loss = tf.nn.softmax_cross_entropy_with_logits_v2(logits=h, labels=y)",
        "AttributeError: module 'tensorflow._api.v2.nn' has no attribute 'softmax_cross_entropy_with_logits_v2'",
        None,
        ["tf.nn.softmax_cross_entropy_with_logits(", "CategoricalCrossentropy"],
        ["tf.nn.softmax_cross_entropy_with_logits("],
    ),
    (
        "tf1-api",
        "it = dataset.make_one_shot_iterator()",
        "AttributeError: '_BatchDataset' object has no attribute 'make_one_shot_iterator'",
        None,
        ["for x, y in dataset"],
        ["for x, y in dataset"],
    ),
    (
        "tf1-api",
        "global_step = tf.train.create_global_step()",
        "AttributeError: module 'tensorflow._api.v2.train' has no attribute 'create_global_step'",
        None,
        ["optimizer.iterations"],
        ["optimizer.iterations"],
    ),
    (
        "tf1-api",
        "opt.apply_gradients(zip(grads, variables), global_step=global_step)",
        "TypeError: BaseOptimizer.apply_gradients() got an unexpected keyword argument 'global_step'",
        None,
        ["global_step=", "apply_gradients(zip("],
        ["global_step=", "apply_gradients(zip("],
    ),
    (
        "colab-only",
        "from google.colab import drive\ndrive.mount('/content/drive')",
        "ModuleNotFoundError: No module named 'google.colab'",
        None,
        ["Colab", "drive.mount", "submission"],
        ["Colab", "drive.mount", "zip"],
    ),
    (
        "colab-preinstalled",  # Colab has seaborn; the grading environment does not
        "import seaborn as sns\nsns.heatmap(confusion)",
        "ModuleNotFoundError: No module named 'seaborn'",
        None,
        ["Colab has `seaborn` preinstalled", "grading environment does not"],
        ["`seaborn`", "Colab에는 미리 설치", "채점 환경에는 없어서"],
    ),
    (
        "download",
        "(x, y), _ = mnist.load_data()",
        "Exception: URL fetch failure on https://storage.googleapis.com/mnist.npz: None -- [Errno -3] "
        "Temporary failure in name resolution",
        None,
        ["tf.keras.datasets.mnist.load_data()", "internet"],
        ["tf.keras.datasets.mnist.load_data()", "인터넷"],
    ),
    (
        "download",
        "urllib.request.urlretrieve(url, 'mnist.gz')",
        "URLError: <urlopen error [Errno -2] Name or service not known>",
        None,
        ["mnist.load_data()"],
        ["mnist.load_data()"],
    ),
    (
        "memory",
        "model.fit(x, y, batch_size=60000)",
        "ResourceExhaustedError: OOM when allocating tensor with shape[60000,784]",
        None,
        ["batch_size", "smaller"],
        ["batch_size", "메모리"],
    ),
    (
        "memory",
        "big = np.zeros((10**6, 10**6))",
        "MemoryError: Unable to allocate 7.28 TiB",
        None,
        ["memory"],
        ["메모리"],
    ),
    (
        "label-shape",
        "model.compile(loss='categorical_crossentropy')\nmodel.fit(x_train, y_train)",
        "ValueError: Arguments `target` and `output` must have the same rank (ndim). "
        "Received: target.shape=(None,), output.shape=(None, 10)",
        None,
        ["sparse_categorical_crossentropy", "to_categorical"],
        ["sparse_categorical_crossentropy", "to_categorical"],
    ),
    (
        "label-shape",
        "model.compile(loss='categorical_crossentropy')",
        "ValueError: Shapes (None, 1) and (None, 10) are incompatible",
        None,
        ["sparse_categorical_crossentropy"],
        ["sparse_categorical_crossentropy"],
    ),
    (
        "input-shape",
        "model.fit(x_train, y_train)",
        "ValueError: Input 0 of layer \"dense\" is incompatible with the layer: expected axis -1 of input "
        "shape to have value 784, but received input with shape (None, 28, 28)",
        None,
        ["784", "reshape"],
        ["784", "reshape"],
    ),
    (
        "input-shape",
        "model.predict(x)",
        "ValueError: Exception encountered when calling Sequential.call(). expected shape=(None, 784), "
        "found shape=(32, 28, 28)",
        None,
        ["784", "Flatten"],
        ["784", "Flatten"],
    ),
    (
        "missing-import",
        "x = tf.constant(1)",
        "NameError: name 'tf' is not defined",
        None,
        ["import tensorflow as tf"],
        ["import tensorflow as tf"],
    ),
    (
        "name-error",
        "model.fit(x_train, y_train)",
        "NameError: name 'x_train' is not defined",
        None,
        ["`x_train`", "in order"],
        ["`x_train`", "순서대로"],
    ),
    (
        "tf1-source",
        "sess = tf.compat.v1.Session()\nsess.run(tf.compat.v1.global_variables_initializer())",
        "RuntimeError: The Session graph is empty. Add operations to the graph before calling run().",
        None,
        ["tf.Session"],
        ["tf.Session"],
    ),
]


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("name, source, error, traceback, en, ko", CASES)
def test_rule(name, source, error, traceback, en, ko, lang):
    hint = hint_for(source, error, traceback, lang)
    assert hint is not None
    for word in en if lang == "en" else ko:
        assert word in hint, (word, hint)
    matched = [r.name for r in RULES if r.match(_facts(source, error, traceback)) is not None]
    assert matched[0] == name


def _facts(source, error, traceback):
    from grader.feedback.hints import FailedCell

    return FailedCell(source or "", error or "", traceback or "")


def test_every_rule_is_tested():
    assert {r.name for r in RULES} == {case[0] for case in CASES}


def test_korean_and_english_differ():
    source, error = "Adam(lr=0.001)", "ValueError: Argument(s) not recognized: {'lr': 0.001}"
    ko, en = hint_for(source, error, None, "ko"), hint_for(source, error, None, "en")
    assert ko != en
    assert "learning_rate" in ko and "learning_rate" in en
    assert "Keras 3에서는" in ko and "renamed" in en


def test_a_module_colab_lacks_too_gets_no_colab_hint():
    """Only what Colab preinstalls and grading lacks is said to be Colab's; a module both have never fails."""
    assert hint_for("import notarealpackage", "ModuleNotFoundError: No module named 'notarealpackage'", None) is None
    assert hint_for("import numpy.foo", "ModuleNotFoundError: No module named 'numpy.foo'", None) is None


def test_match_in_traceback_only():
    tb = "Traceback (most recent call last):\n  ...\nModuleNotFoundError: No module named 'google'"
    assert "Colab" in hint_for("from google.colab import files", None, tb)


def test_no_match_returns_none():
    assert hint_for("print(1/0)", "ZeroDivisionError: division by zero", None) is None
    assert hint_for("x = 1", "ValueError: something unrelated", "Traceback ...", "ko") is None


def test_no_error_no_hint():
    assert hint_for("sess = tf.Session()", None, None) is None
    assert hint_for("Adam(lr=0.1)", "", "  ") is None


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"LANG": "ko_KR.UTF-8"}, "ko"),
        ({"LC_MESSAGES": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}, "ko"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}, "en"),
        ({"LC_ALL": "", "LANG": "ko"}, "ko"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_default_lang(monkeypatch, env, expected):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert default_lang() == expected
