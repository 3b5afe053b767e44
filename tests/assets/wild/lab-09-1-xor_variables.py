import numpy as np
import tensorflow as tf

x_data = [[0, 0],
          [0, 1],
          [1, 0],
          [1, 1]]
y_data = [[0], [1], [1], [0]]
x_data = np.array(x_data, dtype=np.float32)
y_data = np.array(y_data, dtype=np.float32)
tf.random.set_seed(777)

W1 = tf.Variable(tf.random.normal((2, 10)), name='weight1')
b1 = tf.Variable(tf.random.normal((10,)), name='bias1')
W2 = tf.Variable(tf.random.normal((10, 1)), name='weight2')
b2 = tf.Variable(tf.random.normal((1,)), name='bias2')

def neural_net(features):
    layer1 = tf.sigmoid(tf.matmul(features, W1) + b1)
    return tf.sigmoid(tf.matmul(layer1, W2) + b2)

def loss_fn(hypothesis, labels):
    return -tf.reduce_mean(labels * tf.math.log(hypothesis) + (1 - labels) * tf.math.log(1 - hypothesis))

optimizer = tf.keras.optimizers.SGD(learning_rate=0.5)
for step in range(1500):
    with tf.GradientTape() as tape:
        loss = loss_fn(neural_net(x_data), y_data)
    grads = tape.gradient(loss, [W1, W2, b1, b2])
    optimizer.apply_gradients(zip(grads, [W1, W2, b1, b2]))
    if step % 500 == 0:
        print("Iter: {}, Loss: {:.4f}".format(step, loss))
