# The TensorFlow 2 "advanced quickstart" form: a @tf.function train step over tf.data, once per activation.
import tensorflow as tf

(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
x_train = x_train[..., tf.newaxis].astype("float32")
x_test = x_test[..., tf.newaxis].astype("float32")

train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(10000).batch(100)
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(100)
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def train(activation):
    model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(256, activation=activation),
                                 tf.keras.layers.Dense(256, activation=activation), tf.keras.layers.Dense(10)])
    optimizer = tf.keras.optimizers.Adam()
    test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='test_accuracy')

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            predictions = model(images, training=True)
            loss = loss_object(labels, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))

    @tf.function
    def test_step(images, labels):
        test_accuracy(labels, model(images, training=False))

    for images, labels in train_ds:
        train_step(images, labels)
    for images, labels in test_ds:
        test_step(images, labels)
    print(activation, 'Test Accuracy:', float(test_accuracy.result()))
    return model


sigmoid_model = train('sigmoid')
relu_model = train('relu')
