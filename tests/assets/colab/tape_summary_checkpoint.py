# Season-2 style: a GradientTape loop over tf.data, tf.summary scalars and a checkpoint each epoch.
import os

import numpy as np
import tensorflow as tf
from tensorflow.keras.datasets import mnist
from tensorflow.keras.utils import to_categorical


def load_mnist():
    (train_data, train_labels), (test_data, test_labels) = mnist.load_data()
    train_data = np.expand_dims(train_data, axis=-1).astype(np.float32) / 255.0
    test_data = np.expand_dims(test_data, axis=-1).astype(np.float32) / 255.0
    return train_data, to_categorical(train_labels, 10), test_data, to_categorical(test_labels, 10)


def loss_fn(model, images, labels):
    logits = model(images, training=True)
    return tf.reduce_mean(tf.keras.losses.categorical_crossentropy(labels, logits, from_logits=True))


def accuracy_fn(model, images, labels):
    logits = model(images, training=False)
    return tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, -1), tf.argmax(labels, -1)), tf.float32))


def grad(model, images, labels):
    with tf.GradientTape() as tape:
        loss = loss_fn(model, images, labels)
    return tape.gradient(loss, model.variables), loss


def create_model_function(activation, label_dim=10):
    weight_init = tf.keras.initializers.RandomNormal()
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Flatten())
    for _ in range(2):
        model.add(tf.keras.layers.Dense(256, use_bias=True, kernel_initializer=weight_init))
        model.add(tf.keras.layers.Activation(activation))
    model.add(tf.keras.layers.Dense(label_dim, use_bias=True, kernel_initializer=weight_init))
    return model


train_x, train_y, test_x, test_y = load_mnist()
train_dataset = tf.data.Dataset.from_tensor_slices((train_x, train_y)).shuffle(buffer_size=100000, seed=1).batch(128)

for name, activation in [('nn_sigmoid', tf.keras.activations.sigmoid), ('nn_relu', tf.keras.activations.relu)]:
    network = create_model_function(activation)
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.001)
    checkpoint = tf.train.Checkpoint(dnn=network, optimizer=optimizer)
    manager = tf.train.CheckpointManager(checkpoint, os.path.join('checkpoints', name), max_to_keep=2)
    writer = tf.summary.create_file_writer(os.path.join('logs', name))
    counter = 0
    with writer.as_default():
        for epoch in range(1):
            for images, labels in train_dataset:
                grads, loss = grad(network, images, labels)
                optimizer.apply_gradients(zip(grads, network.variables))
                tf.summary.scalar(name='train_loss', data=loss, step=counter)
                counter += 1
            test_accuracy = accuracy_fn(network, test_x, test_y)
            tf.summary.scalar(name='test_accuracy', data=test_accuracy, step=counter)
            manager.save(checkpoint_number=epoch)
            print('Epoch:', epoch, 'test_Accuracy: %.4f' % test_accuracy)
    checkpoint.restore(manager.latest_checkpoint)
