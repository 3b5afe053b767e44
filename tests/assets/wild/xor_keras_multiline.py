import numpy as np
import tensorflow as tf

x_data = np.array([[0., 0.],
                   [0., 1.],
                   [1., 0.],
                   [1., 1.]])
y_data = np.array([[0.],
                   [1.],
                   [1.],
                   [0.]])

tf.model = tf.keras.Sequential()
tf.model.add(tf.keras.layers.Dense(units=2, input_dim=2, activation='sigmoid'))
tf.model.add(tf.keras.layers.Dense(units=1, activation='sigmoid'))
tf.model.compile(loss='binary_crossentropy', optimizer=tf.keras.optimizers.SGD(learning_rate=0.1), metrics=['accuracy'])
history = tf.model.fit(x_data, y_data, epochs=3000, verbose=0)
predictions = tf.model.predict(x_data)
print('Prediction: \n', predictions)
