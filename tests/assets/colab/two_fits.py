# One model trained in two steps, the second resuming at initial_epoch with a validation split.
import tensorflow as tf

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
x_test = x_test.reshape(-1, 784).astype("float32") / 255.0
model = tf.keras.Sequential([tf.keras.layers.Dense(256, activation='relu', input_shape=(784,)),
                             tf.keras.layers.Dense(256, activation='relu'),
                             tf.keras.layers.Dense(10, activation='softmax')])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
model.fit(x_train, y_train, epochs=1, batch_size=100)
model.fit(x_train, y_train, epochs=2, initial_epoch=1, validation_split=0.2, verbose=2, batch_size=100)
print(model.evaluate(x_test, y_test))
