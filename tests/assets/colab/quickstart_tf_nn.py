# The TensorFlow 2 quickstart's form, as in Colab tutorials: activations given as tf.nn functions.
import tensorflow as tf

mnist = tf.keras.datasets.mnist
(x_train, y_train), (x_test, y_test) = mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0


def make(activation):
    model = tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(256, activation=activation),
        tf.keras.layers.Dense(256, activation=activation),
        tf.keras.layers.Dense(10, activation=tf.nn.softmax)
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    return model


sigmoid_model = make(tf.nn.sigmoid)
sigmoid_model.fit(x_train, y_train, epochs=1, batch_size=100)
sigmoid_model.evaluate(x_test, y_test)

relu_model = make(tf.nn.relu)
relu_model.fit(x_train, y_train, epochs=1, batch_size=100)
relu_model.evaluate(x_test, y_test)
