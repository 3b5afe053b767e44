import numpy as np
from tensorflow import keras

X = np.array([[0,0],[0,1],[1,0],[1,1]])
Y = np.array([0,1,1,0])
model = keras.models.Sequential()
for _ in range(3):
    model.add(keras.layers.Dense(10, activation='relu'))
model.add(keras.layers.Dense(1, activation='sigmoid'))
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss='binary_crossentropy', metrics=['accuracy'])
model.fit(X, Y, epochs=2000, batch_size=4, verbose=0)
print(model.predict(X))
