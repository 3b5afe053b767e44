import tensorflow as tf
from tensorflow.keras import layers

(train_x, train_y), (test_x, test_y) = tf.keras.datasets.mnist.load_data()
train_x, test_x = train_x.reshape(-1, 784) / 255.0, test_x.reshape(-1, 784) / 255.0

def build(act):
    model = tf.keras.Sequential([
        layers.Dense(256, activation=act, input_shape=(784,)),
        layers.Dense(256, activation=act),
        layers.Dense(10, activation='softmax'),
    ])
    model.compile(optimizer='sgd', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    return model

for act in ['sigmoid', 'relu']:
    model = build(act)
    model.fit(train_x, train_y, epochs=1, batch_size=100)
    print(act, model.evaluate(test_x, test_y))
