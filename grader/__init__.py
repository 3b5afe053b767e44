"""grader: runs TensorFlow/Keras course submissions, measures what they trained, and scores them."""

__version__ = "0.2.0"
