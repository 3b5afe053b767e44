import tensorflow as tf
from tensorflow.keras import layers, models

(tx, ty), (vx, vy) = tf.keras.datasets.mnist.load_data()
tx = tx.reshape(-1, 784).astype("float32") / 255.
vx = vx.reshape(-1, 784).astype("float32") / 255.
net = models.Sequential()
net.add(layers.Dense(256, input_shape=(784,)))
net.add(layers.BatchNormalization())
net.add(layers.ReLU())
net.add(layers.Dense(256))
net.add(layers.BatchNormalization())
net.add(layers.ReLU())
net.add(layers.Dense(10, activation="softmax"))
net.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
net.fit(tx, ty, epochs=3, batch_size=100, validation_split=0.1)
