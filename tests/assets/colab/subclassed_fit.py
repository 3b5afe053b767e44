# A subclassed tf.keras.Model, as the TF 2 "expert" tutorial writes it, trained by fit.
import tensorflow as tf

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0


class MyModel(tf.keras.Model):
    def __init__(self, activation):
        super().__init__()
        self.flatten = tf.keras.layers.Flatten()
        self.d1 = tf.keras.layers.Dense(256, activation=activation)
        self.d2 = tf.keras.layers.Dense(256, activation=activation)
        self.d3 = tf.keras.layers.Dense(10, activation='softmax')

    def call(self, x):
        return self.d3(self.d2(self.d1(self.flatten(x))))


for activation in ('sigmoid', 'relu'):
    model = MyModel(activation)
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=1, batch_size=100)
    print(activation, model.evaluate(x_test, y_test, verbose=0))
