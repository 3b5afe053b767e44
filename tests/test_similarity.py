"""The similarity check: a disguised copy ranks first; independent solutions are not flagged."""

import json
import zipfile

import pytest

from conftest import ROOT

from grader.classroom.similarity import code_of, compare, side_by_side_html

ORIGINAL = [
    "import tensorflow as tf\nimport numpy as np\n# load the data\n(train_x, train_y), (test_x, test_y) = tf.keras.datasets.mnist.load_data()\n"
    "train_x = train_x.reshape(-1, 784).astype('float32') / 255.0\ntest_x = test_x.reshape(-1, 784).astype('float32') / 255.0",
    "def build(width, rate):\n    net = tf.keras.Sequential()\n    net.add(tf.keras.Input(shape=(784,)))\n"
    "    for depth in range(3):\n        net.add(tf.keras.layers.Dense(width, activation='relu', kernel_initializer='he_normal'))\n"
    "        net.add(tf.keras.layers.Dropout(rate))\n    net.add(tf.keras.layers.Dense(10, activation='softmax'))\n"
    "    net.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.0005), loss='sparse_categorical_crossentropy',"
    " metrics=['accuracy'])\n    return net",
    "scores = {}\nfor rate in (0.1, 0.2, 0.4):\n    net = build(300, rate)\n    hist = net.fit(train_x, train_y, batch_size=64, epochs=3,"
    " validation_split=0.1, verbose=0)\n    scores[rate] = net.evaluate(test_x, test_y, verbose=0)[1]\n"
    "    print('rate', rate, 'val acc', max(hist.history['val_accuracy']))\nbest = max(scores, key=scores.get)\nprint('best rate', best)",
]
# the same work, disguised: renamed variables, other comments, cells reordered
COPY = [
    ORIGINAL[1].replace("build", "make_model").replace("net", "m").replace("width", "units").replace("rate", "p")
    .replace("depth", "i"),
    "# 데이터 불러오기\n" + ORIGINAL[0].replace("# load the data\n", "").replace("train_x", "xtr").replace("test_x", "xte")
    .replace("train_y", "ytr").replace("test_y", "yte"),
    ORIGINAL[2].replace("build", "make_model").replace("net", "m").replace("rate", "p").replace("scores", "results")
    .replace("hist", "h").replace("train_x", "xtr").replace("test_x", "xte").replace("train_y", "ytr")
    .replace("test_y", "yte").replace("best", "top"),
]
INDEPENDENT = [
    "import numpy as np\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n"
    "(a, b), (c, d) = keras.datasets.mnist.load_data()\na = a / 255.0\nc = c / 255.0\n"
    "model = keras.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(512, activation='relu'),\n"
    "    layers.BatchNormalization(), layers.Dense(10, activation='softmax')])\n"
    "model.compile('sgd', 'sparse_categorical_crossentropy', ['accuracy'])\nmodel.fit(a, b, epochs=4)\n"
    "loss, acc = model.evaluate(c, d)\nprint(f'{acc:.4f}')",
]


def notebook_zip(path, cells):
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
          "cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None}
                    for c in cells]}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Mnist.ipynb", json.dumps(nb))
    return path


def test_disguised_copy_ranks_first_and_independent_work_is_not_flagged(tmp_path):
    reference = code_of(ROOT / "reference" / "lab10-mnist.ipynb")
    files = {
        "2023001": notebook_zip(tmp_path / "a.zip", ORIGINAL),
        "2023002": notebook_zip(tmp_path / "b.zip", COPY),
        "2023003": notebook_zip(tmp_path / "c.zip", INDEPENDENT),
        "2023004": ROOT / "reference" / "lab10-deep.ipynb",  # a lecture-style solution of another student
    }
    codes = {sid: code_of(path) for sid, path in files.items()}
    pairs = compare(codes, [reference])
    top = pairs[0]
    assert {top.a, top.b} == {"2023001", "2023002"} and top.suspicious, pairs[:3]
    others = [p for p in pairs if {p.a, p.b} != {"2023001", "2023002"}]
    assert not any(p.suspicious for p in others), [(p.a, p.b, p.similarity) for p in others]
    html = side_by_side_html(pairs, codes)
    assert "<mark>" in html and "2023002" in html and "http" not in html.split("<body>")[1][:200]


def test_similarity_command_ranks_the_copy_first_and_writes_html(tmp_path):
    from test_cli import grader

    klass = tmp_path / "class"
    klass.mkdir()
    notebook_zip(klass / "2023001_김철수_submit.zip", ORIGINAL)
    notebook_zip(klass / "2023002_이영희_submit.zip", COPY)
    notebook_zip(klass / "2023003_박민수_submit.zip", INDEPENDENT)
    result = grader("similarity", str(klass), "-a", "lab10-mnist", "--html", str(tmp_path / "sim.html"))
    assert result.returncode == 0, result.stderr
    first = next(line for line in result.stdout.splitlines() if line.startswith("│ 1 "))
    assert "2023001" in first and "2023002" in first and "100%" in first
    assert "<mark>" in (tmp_path / "sim.html").read_text()


def test_a_zip_with_a_bad_crc_gives_the_code_it_can_read_and_never_raises(tmp_path):
    import io
    import zipfile

    from grader.classroom.similarity import code_of

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("a.py", "good = 'kept'\n")
        zf.writestr("b.py", "x = 'this entry is damaged'\n")
    data = bytearray(buffer.getvalue())
    data[data.index(b"this entry")] ^= 0x20
    path = tmp_path / "submit.zip"
    path.write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(path).read("b.py")  # the damage is real
    assert code_of(path) == "good = 'kept'\n"


# --- fair to students who wrote little or started from the same lines ---------------------------------

TEMPLATE = ("import tensorflow as tf\nimport numpy as np\nx_data = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "
            "dtype=np.float32)\ny_data = np.array([[0], [1], [1], [0]], dtype=np.float32)\n"
            "model = tf.keras.Sequential()\nmodel.add(tf.keras.Input(shape=(2,)))\n")
OWN = [  # each student's own few lines after the class's template
    "model.add(tf.keras.layers.Dense(8, activation='relu'))\nmodel.add(tf.keras.layers.Dense(1, activation='sigmoid'))\n",
    "model.add(tf.keras.layers.Dense(16, activation='tanh'))\nmodel.add(tf.keras.layers.Dense(1, activation='sigmoid'))\n",
    "model.add(tf.keras.layers.Dense(4))\nmodel.add(tf.keras.layers.Dense(1))\n",
    "print(model.summary())\n",
    "model.compile('adam', 'mse')\n",
    "layer = tf.keras.layers.Dense(2, activation='sigmoid')\nmodel.add(layer)\n",
]


def test_a_class_built_from_one_template_has_no_pair_flagged():
    codes = {f"20230{i}": TEMPLATE + own for i, own in enumerate(OWN)}
    pairs = compare(codes)
    assert not any(p.suspicious for p in pairs), [(p.a, p.b, p.similarity, p.overlap_tokens) for p in pairs
                                                  if p.suspicious]


def test_without_the_fairness_rules_the_template_class_would_be_flagged():
    """The rules do the work: counting every shared passage and no token floor flags template pairs."""
    from grader.classroom.similarity import Rules

    codes = {f"20230{i}": TEMPLATE + own for i, own in enumerate(OWN)}
    naive = compare(codes, rules=Rules(min_tokens=0, shared_by=len(codes)))
    assert any(p.suspicious and p.similarity >= 0.99 for p in naive)


def test_a_copy_inside_a_template_class_is_still_flagged():
    codes = {f"20230{i}": TEMPLATE + own for i, own in enumerate(OWN)}
    codes["2023001"] = "\n\n".join(ORIGINAL)
    codes["2023002"] = "\n\n".join(COPY)
    pairs = compare(codes)
    flagged = {(p.a, p.b) for p in pairs if p.suspicious}
    assert flagged == {("2023001", "2023002")}, pairs[:3]


def test_a_tiny_submission_is_never_flagged_at_100_percent():
    codes = {"a": "print(1 + 1)\nx = [i * i for i in range(10)]\nprint(sum(x))\n",
             "b": "print(1 + 1)\nx = [i * i for i in range(10)]\nprint(sum(x))\n", "c": "\n".join(ORIGINAL)}
    pairs = compare(codes)
    same = next(p for p in pairs if {p.a, p.b} == {"a", "b"})
    assert same.similarity == 1.0 and not same.suspicious


def test_the_similarity_command_takes_the_rules_and_says_what_it_left_out(tmp_path):
    from grader.cli.main import main

    klass = tmp_path / "class"
    klass.mkdir()
    for i, own in enumerate(OWN):
        with zipfile.ZipFile(klass / f"20230{i}_학생{i}_submit.zip", "w") as zf:
            zf.writestr("xor.py", TEMPLATE + own)
    for args, flagged in (([], False), (["--min-tokens", "0", "--shared-by", "10"], True)):
        with pytest.raises(SystemExit) as ended:
            main(["similarity", str(klass), "--html", str(tmp_path / "sim.html"), *args])
        assert ended.value.code in (0, None)
        page = (tmp_path / "sim.html").read_text(encoding="utf-8")
        assert ('class="sus"' in page) is flagged, args
