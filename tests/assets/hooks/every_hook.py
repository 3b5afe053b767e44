# A student's module that passes through every hook the grader puts on Keras: load_data, fit (twice,
# the second with initial_epoch and validation_split, so Keras's fit calls evaluate itself), evaluate
# (a list and a dict), save and load_model, and a GradientTape loop over tf.data (the model's
# __call__ with training=True, and the optimizer's apply_gradients). Everything it prints is its result.
import hashlib

import numpy as np
import tensorflow as tf

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train[:2000].reshape(-1, 784).astype("float32") / 255.0
y_train = y_train[:2000]
x_test = x_test[:500].reshape(-1, 784).astype("float32") / 255.0
y_test = y_test[:500]

model = tf.keras.Sequential([tf.keras.Input((784,)),
                             tf.keras.layers.Dense(32, activation=tf.nn.relu),
                             tf.keras.layers.Dense(10, activation="softmax")])  # tf.nn.softmax: Keras itself could not load it back
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
first = model.fit(x_train, y_train, epochs=1, batch_size=100, verbose=0)
second = model.fit(x_train, y_train, epochs=3, initial_epoch=1, validation_split=0.2, batch_size=100, verbose=0)
print("fit", [round(v, 6) for v in first.history["loss"] + second.history["val_loss"]])
print("evaluate", [round(v, 6) for v in model.evaluate(x_test, y_test, verbose=0)])
print("evaluate dict", {k: round(v, 6) for k, v in model.evaluate(x_test, y_test, verbose=0, return_dict=True).items()})

model.save("mine.keras")
again = tf.keras.models.load_model("mine.keras")
print("loaded", float(np.abs(again.predict(x_test[:10], verbose=0) - model.predict(x_test[:10], verbose=0)).max()))

net = tf.keras.Sequential([tf.keras.Input((784,)), tf.keras.layers.Dense(16, activation="relu"), tf.keras.layers.Dense(10)])
optimizer = tf.keras.optimizers.SGD(0.1)
for images, labels in tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(200):
    with tf.GradientTape() as tape:
        logits = net(images, training=True)
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
print("loop", round(float(loss), 6))
print("weights", hashlib.sha256(b"".join(w.tobytes() for w in model.get_weights() + net.get_weights())).hexdigest())
