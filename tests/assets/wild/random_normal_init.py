import tensorflow as tf
from tensorflow.keras import layers, initializers

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train, x_test = x_train.reshape(-1, 784) / 255, x_test.reshape(-1, 784) / 255

for init in [initializers.RandomNormal(stddev=1.0), 'glorot_uniform', 'he_normal']:
    model = tf.keras.Sequential()
    model.add(layers.Dense(256, activation='relu', kernel_initializer=init, input_dim=784))
    model.add(layers.Dense(256, activation='relu', kernel_initializer=init))
    model.add(layers.Dense(10, activation='softmax'))
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(x_train, y_train, epochs=1, batch_size=100)
