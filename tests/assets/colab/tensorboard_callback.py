# Sigmoid vs ReLU with the callbacks Colab notebooks pass: TensorBoard and ModelCheckpoint.
import datetime

import tensorflow as tf
from tensorflow import keras

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(60000, 784).astype('float32') / 255
x_test = x_test.reshape(10000, 784).astype('float32') / 255
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

for activation in ['sigmoid', 'relu']:
    model = keras.Sequential([keras.layers.Dense(256, activation=activation, input_shape=(784,)),
                              keras.layers.Dense(256, activation=activation),
                              keras.layers.Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  metrics=['accuracy'])
    log_dir = "logs/fit/" + activation + "-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    callbacks = [keras.callbacks.TensorBoard(log_dir=log_dir, histogram_freq=1),
                 keras.callbacks.ModelCheckpoint(filepath=activation + '_best.keras', monitor='val_accuracy',
                                                 save_best_only=True)]
    model.fit(x_train, y_train, batch_size=100, epochs=1, validation_data=(x_test, y_test), callbacks=callbacks)
    score = model.evaluate(x_test, y_test, verbose=0)
    print(activation, 'test accuracy:', score[1])
